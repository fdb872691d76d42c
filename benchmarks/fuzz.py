"""The robustness contract under a long fuzz: mutated real models through every command.

    python benchmarks/fuzz.py [--cases 10000] [--jobs 2] [--seed 0]

Each case takes a real model (the sample models, the PyPI corpus, the torch export zoo: whichever
are on this machine), mutates it (bytes, fields, dims, attributes, wiring, subgraphs, external-data
entries pointing at a FIFO) and runs `analyze`, `analyze --hw`, `schedule --order min-memory`,
`compare` and `sweep` on it in a worker process limited to 4 GiB of address space, each with a
10 s alarm. The contract: exit code 0, 1 or 2; no traceback and no "internal error"; one stderr
line for exit 2; no run over 10 s; the FIFO never opened (opening it would block until the
alarm); no file opened outside the case's folder but the tool's own code and profiles (an audit
hook sees every open() of the worker's Python code). Prints the figures docs/robustness.md
records, and every case that broke the contract.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import onnx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LIMIT_BYTES = 4 << 30
LIMIT_S = 10
COMMANDS = (
    ["analyze", "{m}", "--format", "json"],
    ["analyze", "{m}", "--hw", "a100-80gb-sxm", "--worst-case", "--format", "json"],
    ["schedule", "{m}", "--order", "min-memory", "--worst-case", "--format", "json"],
    ["compare", "{m}", "{m}", "--format", "json"],
    ["sweep", "{m}", "--hw", "stm32h743", "--worst-case", "--format", "csv"],
)


def sources() -> list[Path]:
    """Real models on this machine, small enough to mutate quickly (< 20 MB)."""
    found = sorted((ROOT / "models").glob("*.onnx"))
    for folder in (
        Path.home() / ".cache" / "onnxcost-corpus" / "models",
        Path.home() / ".cache" / "onnxcost-zoo",
    ):
        found += sorted(folder.rglob("*.onnx")) if folder.is_dir() else []
    return [p for p in found if p.stat().st_size < 20 << 20 and not Path(str(p) + ".data").exists()]


def _attributes(model: onnx.ModelProto, rng: random.Random) -> None:
    node = rng.choice(model.graph.node)
    if node.attribute:
        attr = rng.choice(node.attribute)
        if attr.ints:
            attr.ints[rng.randrange(len(attr.ints))] = rng.choice([0, -1, -7, 3, 1000, 2**31, 2**40])
        elif attr.type == onnx.AttributeProto.INT:
            attr.i = rng.choice([0, -1, 7, 2**40, -(2**62)])
        elif attr.type == onnx.AttributeProto.FLOAT:
            attr.f = rng.choice([0.0, -1.0, float("nan"), float("inf")])
        else:
            attr.type = rng.choice([onnx.AttributeProto.STRING, onnx.AttributeProto.INTS])


def _wiring(model: onnx.ModelProto, rng: random.Random) -> None:
    graph = model.graph
    node = rng.choice(graph.node)
    names = [n for other in graph.node for n in other.output] + [i.name for i in graph.input]
    choice = rng.random()
    if choice < 0.4 and node.input:
        node.input[rng.randrange(len(node.input))] = rng.choice([*names, "", "nobody"])
    elif choice < 0.6 and node.output:
        node.output[0] = rng.choice(names)
    elif choice < 0.8:
        node.input.append(rng.choice(names))
    else:
        del node.input[-1:]


def _dims(model: onnx.ModelProto, rng: random.Random) -> None:
    values = [*model.graph.input, *model.graph.output, *model.graph.value_info]
    if not values:
        return
    dims = rng.choice(values).type.tensor_type.shape.dim
    if dims:
        dim = dims[rng.randrange(len(dims))]
        if rng.random() < 0.6:
            dim.dim_value = rng.choice([0, 1, 3, 10**6, 2**40, 2**62])
        else:
            dim.dim_param = rng.choice(
                ["N", "a" * 5000, "__import__('os').system('x')", "2**2**64", "N*N*N*N"]
            )


def _initializers(model: onnx.ModelProto, rng: random.Random) -> None:
    if not model.graph.initializer:
        return
    tensor = rng.choice(model.graph.initializer)
    choice = rng.random()
    if choice < 0.5 and tensor.dims:
        tensor.dims[rng.randrange(len(tensor.dims))] = rng.choice([0, 1, 3, 2**20, 2**40])
    elif choice < 0.7:
        tensor.data_type = rng.choice([0, 99, onnx.TensorProto.STRING, onnx.TensorProto.INT64])
    else:  # external data pointing at a FIFO, or out of the folder
        tensor.ClearField("raw_data")
        tensor.data_location = onnx.TensorProto.EXTERNAL
        del tensor.external_data[:]
        location = rng.choice(["fifo", "/etc/passwd", "../../outside.bin", "missing.bin"])
        tensor.external_data.add(key="location", value=location)
        tensor.external_data.add(key="length", value=str(rng.choice([4, 2**40])))


def _op_types(model: onnx.ModelProto, rng: random.Random) -> None:
    node = rng.choice(model.graph.node)
    node.op_type = rng.choice(
        ["Conv", "MatMul", "Gemm", "Reshape", "Concat", "Loop", "If", "Scan", "Range", "Bogus"]
    )
    if rng.random() < 0.3:
        node.domain = rng.choice(["com.microsoft", "ai.onnx.ml", "x.y"])


def _subgraphs(model: onnx.ModelProto, rng: random.Random) -> None:
    node = rng.choice(model.graph.node)
    body = onnx.helper.make_graph(list(model.graph.node[: rng.randint(0, 3)]), "body", [], [])
    node.attribute.append(
        onnx.helper.make_attribute(rng.choice(["then_branch", "body", "else_branch"]), body)
    )


STRUCTURAL = (_attributes, _wiring, _dims, _initializers, _op_types, _subgraphs)


def mutate(source: Path, rng: random.Random) -> bytes:
    """One mutated copy of `source`'s bytes."""
    if rng.random() < 0.3:
        data = bytearray(source.read_bytes())
        for _ in range(rng.randint(1, 8)):
            position = rng.randrange(len(data))
            choice = rng.random()
            if choice < 0.5:
                data[position] = rng.randrange(256)
            elif choice < 0.75:
                del data[position : position + rng.randint(1, 256)]
            else:
                data[position:position] = rng.randbytes(rng.randint(1, 32))
        return bytes(data[: rng.randint(1, len(data))] if rng.random() < 0.2 else data)
    model = onnx.load(str(source), load_external_data=False)
    for _ in range(rng.randint(1, 4)):
        if model.graph.node:
            rng.choice(STRUCTURAL)(model, rng)
    return model.SerializeToString()


# Every file the worker's Python code opens (the audit hook sees open(), os.open() and the
# imports' reads; not what a C library opens on its own), cleared before each command.
_OPENED: list[str] = []
# Where code and data the tool ships may be read from: the interpreter, installed packages, this
# repository's package and profiles; what every process reads (/dev, /proc, /sys); and the
# distribution's name, which onnxruntime's import reads (onnxruntime_validation.check_distro_info).
_SHIPPED = (str(ROOT / "onnxcost"), str(ROOT / "hardware_profiles"))
_CODE = tuple(
    str(Path(p).resolve())
    for p in {sys.prefix, sys.base_prefix, *sys.path[1:], *_SHIPPED}
    if p and Path(p).is_dir() and Path(p).resolve() != ROOT
)
_SYSTEM = ("/dev/", "/proc/", "/sys/", "/etc/os-release", "/usr/lib/os-release")


def _audit(event: str, args: tuple) -> None:
    if event == "open" and isinstance(args[0], str | bytes):
        _OPENED.append(os.fsdecode(args[0]))


def _worker_init() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    sys.addaudithook(_audit)


def strays(opened: list[str], folder: str) -> list[str]:
    """Opened files outside the case's folder, the tool's code and the system's pseudo-files."""
    found = []
    for path in opened:
        full = os.path.realpath(path)
        if full.startswith((os.path.realpath(folder) + os.sep, *_SYSTEM)) or full.startswith(_CODE):
            continue
        found.append(path)
    return found


class _Alarm(BaseException):
    """The run's time limit: a BaseException, so that the CLI's handlers do not catch it."""


def _on_alarm(signum: int, frame: object) -> None:
    raise _Alarm


def run_case(case: tuple[int, str, int]) -> list[tuple[str, int, float, str]]:
    """Every command on one mutated model: (command, exit code, seconds, stderr) each."""
    from click.testing import CliRunner

    from onnxcost.cli import main

    _index, source, seed = case
    rng = random.Random(seed)
    results = []
    with tempfile.TemporaryDirectory(prefix="onnxcost-fuzz-") as folder:
        os.mkfifo(os.path.join(folder, "fifo"))
        model = os.path.join(folder, "m.onnx")
        Path(model).write_bytes(mutate(Path(source), rng))
        signal.signal(signal.SIGALRM, _on_alarm)
        for command in COMMANDS:
            args = [part.replace("{m}", model) for part in command]
            started = time.perf_counter()
            _OPENED.clear()
            signal.alarm(LIMIT_S)
            try:
                result = CliRunner().invoke(main, args)
                code, err = result.exit_code, result.stderr
                if result.exception is not None and not isinstance(result.exception, SystemExit):
                    code, err = 99, f"{type(result.exception).__name__}: {result.exception}"
            except _Alarm:
                code, err = 98, "over the time limit (or blocked opening a file)"
            except MemoryError:
                code, err = 97, "MemoryError under the 4 GiB limit"
            finally:
                signal.alarm(0)
            outside = strays(_OPENED, folder)
            if outside and code in (0, 1, 2):
                code, err = 95, f"opened outside the model's folder: {', '.join(sorted(set(outside))[:3])}"
            results.append((args[0] + ("" if len(command) < 5 else " " + command[2]), code,
                            time.perf_counter() - started, err))  # fmt: skip
    return results


def broken(code: int, seconds: float, err: str) -> str:
    """What a run broke of the contract ("" if nothing)."""
    if code not in (0, 1, 2):
        return f"exit {code}: {err.strip()[:200]}"
    if "Traceback" in err or "internal error" in err:
        return f"crash: {err.strip().splitlines()[-1][:200]}"
    if code == 2 and len([line for line in err.splitlines() if line.strip()]) != 1:
        return f"not one line: {err.strip()[:200]}"
    if seconds > LIMIT_S:
        return f"{seconds:.1f} s"
    return ""


def _results(cases: list[tuple[int, str, int]], jobs: int) -> Iterator[tuple[int, str, int, list]]:
    """(index, source, seed, results) of every case, in batches; a worker that dies (a crash in
    native code) is recorded as such for the case it was running, and the pool is made anew."""
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool

    pending = list(cases)
    while pending:
        batch, pending = pending[:100], pending[100:]
        with ProcessPoolExecutor(jobs, initializer=_worker_init) as pool:
            futures = {pool.submit(run_case, case): case for case in batch}
            lost = []
            for future in as_completed(futures):
                case = futures[future]
                try:
                    yield (*case, future.result())
                except BrokenProcessPool:
                    lost.append(case)
        for case in lost:  # each alone, so that the one that kills its worker is named
            with ProcessPoolExecutor(1, initializer=_worker_init) as pool:
                try:
                    yield (*case, pool.submit(run_case, case).result())
                except BrokenProcessPool:
                    yield (*case, [("(worker)", 96, 0.0, "the worker process died (a crash in native code)")])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", type=int, action="append", help="run only this case (repeatable)")
    args = parser.parse_args()
    models = sources()
    rng = random.Random(args.seed)
    cases = [(i, str(rng.choice(models)), rng.randrange(2**32)) for i in range(args.cases)]
    cases = [case for case in cases if args.only is None or case[0] in args.only]
    started = time.perf_counter()
    codes: Counter[int] = Counter()
    failures = []
    slowest = 0.0
    for done, (index, source, seed, results) in enumerate(_results(cases, args.jobs), start=1):
        for command, code, seconds, err in results:
            codes[code] += 1
            slowest = max(slowest, seconds)
            problem = broken(code, seconds, err)
            if problem:
                failures.append((index, Path(source).name, seed, command, problem))
                print(f"broken: case {index} ({source}, seed {seed}), {command}: {problem}", file=sys.stderr)
        if done % 500 == 0:
            print(
                f"{done} cases, {len(failures)} broken, {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
            )
    runs = sum(codes.values())
    print(
        f"{args.cases} mutated models from {len(models)} real ones, {runs} runs of {len(COMMANDS)} commands "
        f"in {time.perf_counter() - started:.0f} s ({args.jobs} processes, seed {args.seed})"
    )
    print(f"exit codes: {dict(sorted(codes.items()))}; slowest run {slowest:.2f} s; broken: {len(failures)}")
    for index, source, seed, command, problem in failures[:50]:
        print(f"- case {index} ({source}, seed {seed}), {command}: {problem}")


if __name__ == "__main__":
    main()
