"""What Intel AMX does to the code around it, on a host that has it (Sapphire Rapids and later):
the evidence behind docs/validation.md's account of dynamic int8 BERT's miss.

    python benchmarks/amx_effect.py [--runs 300]

1. After a burst of AMX tile multiplies (or of AVX-512 FMAs, or VNNI dot products), how much
   slower plain code runs, in windows of time after the burst, with the bursts 0.1 ms and 1 ms
   apart (a C probe: a chain of dependent integer multiplies timed by the TSC).
2. The zoo's BERT and its dynamically quantized file at 1 thread, each in a process of its own
   with AMX allowed and with AMX denied (an LD_PRELOAD shim refuses the `arch_prctl` request for
   the tile state, so MLAS runs its AVX-512 VNNI kernels): wall time of each file, the int8 ÷
   float ratio, and the int8 file's kernel time by op type from onnxruntime's profiler.

It needs a C compiler (`cc`) and a CPU with AMX (`amx_tile` in /proc/cpuinfo); without them it
says so and stops. Part 2 builds the torch export zoo (tests/user_exports) if its cache
($ONNXCOST_ZOO_DIR, else ~/.cache/onnxcost-zoo) lacks it, as benchmarks/validation.py does.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DENY_AMX = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <sys/syscall.h>
/* ARCH_REQ_XCOMP_PERM (0x1023): the request for AMX's tile data that MLAS makes before using it */
long syscall(long number, ...) {
    va_list ap; va_start(ap, number);
    long a[6]; for (int i = 0; i < 6; i++) a[i] = va_arg(ap, long);
    va_end(ap);
    if (number == SYS_arch_prctl && a[0] == 0x1023) { errno = EPERM; return -1; }
    static long (*real)(long, ...) = 0;
    if (!real) real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
    return real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
"""

AFTER_AMX = r"""
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <x86intrin.h>
typedef struct { uint8_t palette, start; uint8_t reserved[14]; uint16_t colsb[16]; uint8_t rows[16]; } config;
static int8_t A[16 * 64] __attribute__((aligned(64))), B[16 * 64] __attribute__((aligned(64)));
static int32_t C[16 * 16] __attribute__((aligned(64)));
static void amx(int multiplies) {
    config c; memset(&c, 0, sizeof c); c.palette = 1;
    for (int i = 0; i < 3; i++) { c.rows[i] = 16; c.colsb[i] = 64; }
    _tile_loadconfig(&c); _tile_loadd(1, A, 64); _tile_loadd(2, B, 64); _tile_zero(0);
    for (int k = 0; k < multiplies; k++) _tile_dpbssd(0, 1, 2);
    _tile_stored(0, C, 64); _tile_release();
}
/* 8 independent 512-bit FMAs, or 4 VNNI dot products, a step */
static void zero_vectors(void) {
    /* the operands and accumulators start at 0: no denormal ever slows an FMA */
    __asm__ volatile("vpxord %%zmm1, %%zmm1, %%zmm1\n\tvpxord %%zmm2, %%zmm2, %%zmm2\n\t"
                     "vpxord %%zmm3, %%zmm3, %%zmm3\n\tvpxord %%zmm4, %%zmm4, %%zmm4\n\t"
                     "vpxord %%zmm5, %%zmm5, %%zmm5\n\tvpxord %%zmm6, %%zmm6, %%zmm6\n\t"
                     "vpxord %%zmm7, %%zmm7, %%zmm7\n\tvpxord %%zmm8, %%zmm8, %%zmm8\n\t"
                     "vpxord %%zmm9, %%zmm9, %%zmm9\n\tvpxord %%zmm10, %%zmm10, %%zmm10\n\t"
                     ::: "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10");
}
static void fma512(int steps) {
    zero_vectors();
    for (int k = 0; k < steps; k++)
        __asm__ volatile(
            "vfmadd231ps %%zmm1, %%zmm2, %%zmm3\n\tvfmadd231ps %%zmm1, %%zmm2, %%zmm4\n\t"
            "vfmadd231ps %%zmm1, %%zmm2, %%zmm5\n\tvfmadd231ps %%zmm1, %%zmm2, %%zmm6\n\t"
            "vfmadd231ps %%zmm1, %%zmm2, %%zmm7\n\tvfmadd231ps %%zmm1, %%zmm2, %%zmm8\n\t"
            "vfmadd231ps %%zmm1, %%zmm2, %%zmm9\n\tvfmadd231ps %%zmm1, %%zmm2, %%zmm10\n\t"
            ::: "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10");
}
static void vnni(int steps) {
    zero_vectors();
    for (int k = 0; k < steps; k++)
        __asm__ volatile(
            "vpdpbusd %%zmm1, %%zmm2, %%zmm3\n\tvpdpbusd %%zmm1, %%zmm2, %%zmm4\n\t"
            "vpdpbusd %%zmm1, %%zmm2, %%zmm5\n\tvpdpbusd %%zmm1, %%zmm2, %%zmm6\n\t"
            ::: "xmm3", "xmm4", "xmm5", "xmm6");
}
/* 300 dependent integer multiplies: 900 core cycles at any clock */
static unsigned long long probe(void) {
    unsigned long long t = __rdtsc(); long x = 3;
    for (long i = 0; i < 300; i++) __asm__ volatile("imul %0, %0" : "+r"(x));
    return __rdtsc() - t;
}
int main(int argc, char **argv) {
    if (syscall(SYS_arch_prctl, 0x1023, 18) != 0) { printf("no AMX\n"); return 1; }
    const char *kind = argv[1];
    int multiplies = atoi(argv[2]), probes = atoi(argv[3]), rounds = atoi(argv[4]);
    double *sum = calloc(probes, sizeof *sum), base = 1e30;
    for (int i = 0; i < 20000; i++) { double t = probe(); if (t < base) base = t; }
    for (int r = 0; r < rounds; r++) {
        if (!strcmp(kind, "AMX")) amx(multiplies);
        else if (!strcmp(kind, "FMA")) fma512(multiplies);
        else if (!strcmp(kind, "VNNI")) vnni(multiplies);
        for (int p = 0; p < probes; p++) sum[p] += probe();
    }
    /* each probe's mean time over the rounds, as a multiple of the fastest probe without AMX */
    printf("%.0f", base);
    for (int p = 0; p < probes; p++) printf(" %.4f", sum[p] / rounds / base);
    printf("\n");
    return 0;
}
"""

PAIR = r"""
import collections, json, statistics, sys, time
import numpy as np, onnxruntime as ort
import os
float_path, int8_path, runs, prefix = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
def session(path, profile=False):
    options = ort.SessionOptions(); options.intra_op_num_threads = 1; options.enable_profiling = profile
    options.profile_file_prefix = prefix
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
def feeds(s):
    return {i.name: np.ones((2, 128), np.int64) for i in s.get_inputs()}
def wall(s, f, n):
    out = []
    for _ in range(n):
        start = time.perf_counter(); s.run(None, f); out.append(time.perf_counter() - start)
    return statistics.median(out)
sessions = [session(float_path), session(int8_path)]
fs = [feeds(s) for s in sessions]
for s, f in zip(sessions, fs): wall(s, f, 20)
times = [[], []]
for turn in range(6):  # the two files in turn, so that the host's drift falls on both
    for which in ((0, 1) if turn % 2 == 0 else (1, 0)):
        times[which].append(wall(sessions[which], fs[which], runs // 6))
profiled = session(int8_path, profile=True)
f = feeds(profiled)
for _ in range(runs // 3): profiled.run(None, f)
trace = profiled.end_profiling()
with open(trace) as handle:
    events = json.load(handle)
os.remove(trace)
per_node = collections.defaultdict(list); op_of = {}
for e in events:
    if e.get("cat") == "Node" and e["name"].endswith("_kernel_time"):
        per_node[e["name"]].append(e["dur"]); op_of[e["name"]] = e["args"]["op_name"]
by_op = collections.defaultdict(float)
for name, durations in per_node.items():
    by_op[op_of[name]] += statistics.median(durations[5:]) * 1e-6
medians = {"float_s": statistics.median(times[0]), "int8_s": statistics.median(times[1])}
print(json.dumps({**medians, "by_op": by_op}))
"""


def has_amx() -> bool:
    """Whether this CPU reports AMX's tiles (`amx_tile` in /proc/cpuinfo)."""
    try:
        return " amx_tile" in Path("/proc/cpuinfo").read_text()
    except OSError:
        return False


def build(work: Path) -> tuple[Path, Path]:
    """The shim that denies AMX and the probe program, compiled into `work`."""
    (work / "deny_amx.c").write_text(DENY_AMX)
    (work / "after_amx.c").write_text(AFTER_AMX)
    shim, probe = work / "deny_amx.so", work / "after_amx"
    subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", shim, work / "deny_amx.c", "-ldl"], check=True)
    flags = ["-mamx-tile", "-mamx-int8", "-mavx512f", "-mavx512vnni"]
    subprocess.run(["cc", "-O2", *flags, "-o", probe, work / "after_amx.c"], check=True)
    return shim, probe


def after_bursts(probe: Path) -> None:
    """Part 1: plain code's slowdown in windows after each burst of AMX (or AVX-512) work."""
    print("## Plain code after a burst of 512-bit work (a 900-cycle probe's mean time ÷ its fastest)\n")
    windows = ((0, 1), (1, 16), (16, 64), (64, 256), (256, 400), (400, 4000))
    heads = " | ".join(f"probes {a}–{b - 1}" for a, b in windows)
    print(f"| bursts apart | burst | {heads} |")
    print("|---|---|" + "---|" * len(windows))
    # a burst: 1,000 tile multiplies (about 5 µs), or 1,000 steps of 8 FMAs or of 4 VNNI products
    for probes, rounds, label in ((400, 3000, "0.1 ms"), (4000, 400, "1 ms")):
        for kind in ("none", "FMA", "VNNI", "AMX"):
            command = [probe, kind, "1000", str(probes), str(rounds)]
            ratios = [
                float(v)
                for v in subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()[
                    1:
                ]
            ]
            cells = [
                f"{statistics.mean(ratios[a : min(b, probes)]):.3f}" if a < probes else "" for a, b in windows
            ]
            print(f"| {label} | {kind} | " + " | ".join(cells) + " |")
    print()


def bert_pair(shim: Path, runs: int, work: Path) -> None:
    """Part 2: the zoo's BERT float and dynamic int8 files, with AMX and without."""
    from tests.user_exports.zoo import build_zoo

    zoo_dir = Path(os.environ.get("ONNXCOST_ZOO_DIR") or Path.home() / ".cache" / "onnxcost-zoo")
    zoo = {m.id: m for m in build_zoo(zoo_dir)}
    paths = [str(zoo["bert.legacy"].path), str(zoo["bert.legacy.qdynamic"].path)]
    results = {}
    for _ in range(2):
        for label, env in (("AMX", {}), ("no AMX", {"LD_PRELOAD": str(shim)})):
            command = [sys.executable, "-c", PAIR, *paths, str(runs), str(work / "trace")]
            environment = {**os.environ, **env}
            out = subprocess.run(command, capture_output=True, text=True, check=True, env=environment)
            results.setdefault(label, []).append(json.loads(out.stdout.strip().splitlines()[-1]))
    print("## Dynamic int8 BERT against its float file, 1 thread (two processes each)\n")
    print("| process | float | int8 | int8 ÷ float |")
    print("|---|---|---|---|")
    for label, rows in results.items():
        for row in rows:
            ratio = row["int8_s"] / row["float_s"]
            print(f"| {label} | {row['float_s'] * 1e6:.0f} µs | {row['int8_s'] * 1e6:.0f} µs | {ratio:.3f} |")
    print("\nThe int8 file's kernels by op type (µs a run, the profiler's per-node medians):\n")
    ops = sorted(results["AMX"][0]["by_op"], key=lambda op: -results["AMX"][0]["by_op"][op])
    print("| op type | AMX | no AMX | AMX ÷ no AMX |")
    print("|---|---|---|---|")
    for op in ops:
        with_amx = statistics.mean(r["by_op"].get(op, 0.0) for r in results["AMX"])
        without = statistics.mean(r["by_op"].get(op, 0.0) for r in results["no AMX"])
        share = f"{with_amx / without:.2f}" if without > 0 else "-"
        print(f"| {op} | {with_amx * 1e6:.1f} | {without * 1e6:.1f} | {share} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300, help="timed runs of each file in each process (18+)")
    args = parser.parse_args()
    if args.runs < 18:
        parser.error("--runs: at least 18 (six turns of 3 runs, and 6 profiled runs past the first 5)")
    if shutil.which("cc") is None or not has_amx():
        print("amx_effect: needs a C compiler (cc) and a CPU with AMX (amx_tile); this host lacks one")
        return
    with tempfile.TemporaryDirectory() as work:
        shim, probe = build(Path(work))
        try:
            after_bursts(probe)
        except subprocess.CalledProcessError:
            print("amx_effect: the kernel refused AMX's tile state to this process (Linux 5.16+ grants it)")
            return
        bert_pair(shim, args.runs, Path(work))


if __name__ == "__main__":
    main()
