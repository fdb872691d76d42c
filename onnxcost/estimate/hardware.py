"""Hardware profiles: load, validate and query the TOML device descriptions of the roofline.

A profile is one TOML file (see ``hardware_profiles/`` and ``docs``); bundled ones are found
by name (case-insensitive, ``_`` or spaces read as ``-``), any other by path. Every figure
must carry a source in the file's ``[sources]`` table; an invalid file raises
:class:`ProfileError` with one line naming the file and the key.
"""

from __future__ import annotations

import itertools
import math
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from onnxcost.errors import OnnxcostError
from onnxcost.types import ClassCost, EfficiencyStep, HardwareProfile, MemoryLevel

if TYPE_CHECKING:
    from importlib.abc import Traversable

# The dtypes a profile may give a peak (and an energy per op) for; one MAC = 2 ops.
DTYPES: tuple[str, ...] = ("float32", "tf32", "float16", "bfloat16", "float8", "int8", "int4")
KINDS: tuple[str, ...] = ("gpu", "cpu", "tpu", "npu", "mcu")
ENERGY_MODELS: tuple[str, ...] = ("per_op", "power")

# Which peak a dtype runs at when the profile lists no peak for it, first match wins.
# Every profile lists float32, so every chain ends somewhere.
FALLBACKS: Mapping[str, tuple[str, ...]] = {
    "float32": ("float32",),
    "tf32": ("tf32", "float32"),
    "float16": ("float16", "bfloat16", "float32"),
    "bfloat16": ("bfloat16", "float16", "float32"),
    "float8": ("float8", "float16", "bfloat16", "float32"),
    "int8": ("int8", "float32"),
    "int4": ("int4", "int8", "float32"),
}

# ONNX element-type names (onnxcost.dtypes) and common spellings -> the profile dtype keys.
# Any name not listed here (float64, int16, int32, int64, bool...) runs at the float32 peak.
DTYPE_ALIASES: Mapping[str, str] = {
    "float": "float32",
    "fp32": "float32",
    "f32": "float32",
    "half": "float16",
    "fp16": "float16",
    "f16": "float16",
    "bf16": "bfloat16",
    "fp8": "float8",
    "float8e4m3fn": "float8",
    "float8e4m3fnuz": "float8",
    "float8e5m2": "float8",
    "float8e5m2fnuz": "float8",
    "float8e8m0": "float8",
    "float4e2m1": "float8",
    "uint8": "int8",
    "uint4": "int4",
    "int2": "int4",
    "uint2": "int4",
}

_REQUIRED = (
    "name",
    "display_name",
    "kind",
    "clock_hz",
    "peak_ops_per_s",
    "memory",
    "weights_level",
    "activations_level",
    "kernel_overhead_s",
    "run_power_w",
    "idle_power_w",
    "overlap",
    "compute_efficiency",
    "memory_efficiency",
    "energy_pj_per_op",
    "sources",
)
_OPTIONAL = (
    "notes",
    "energy_model",
    "runtime",
    "threads",
    "run_overhead_s",
    "op_classes",
    "op_types",
    "parallel_speedup",
    "error_bars",
    "tf32_matmul",
    "light_after_heavy",
    "cold_start_s",
    "next_image_share",
    "remote_s_per_byte",
)
# The runtimes a profile may name; onnxcost.model.lower rewrites the graph as the first one runs it.
RUNTIMES: tuple[str, ...] = ("onnxruntime-cpu", "onnxruntime-cuda", "tensorrt", "tflite-micro", "x-cube-ai")
_LEVEL_KEYS = ("name", "capacity_bytes", "bandwidth_bytes_per_s", "energy_pj_per_byte")
_LEVEL_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_PACKAGE = "onnxcost.hardware_profiles"


class ProfileError(OnnxcostError, ValueError):
    """An invalid or unknown hardware profile; the message is one line naming file and key
    (an OnnxcostError: the CLI prints it alone and exits with code 2)."""


def _fail(where: str, key: str, problem: str) -> ProfileError:
    """One-line error: '<file>: <key>: <problem>'."""
    return ProfileError(f"{where}: {key}: {problem}".replace("\n", " "))


def _number(where: str, key: str, value: Any, *, allow_zero: bool = False) -> float:
    """A finite real number > 0 (or >= 0 with allow_zero); bools are not numbers."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(where, key, f"must be a number, got {type(value).__name__} {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise _fail(where, key, f"must be finite, got {value!r}")
    if number < 0 or (number == 0 and not allow_zero):
        bound = "non-negative" if allow_zero else "positive"
        raise _fail(where, key, f"must be {bound}, got {value!r}")
    return number


def _string(where: str, key: str, value: Any) -> str:
    """A non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, key, f"must be a non-empty string, got {value!r}")
    return value


def _table(where: str, key: str, value: Any) -> Mapping[str, Any]:
    """A TOML table."""
    if not isinstance(value, Mapping):
        raise _fail(where, key, f"must be a table, got {type(value).__name__}")
    return value


def _dtype_table(where: str, key: str, value: Any) -> dict[str, float]:
    """A non-empty {dtype: positive number} table with known dtype keys."""
    table = _table(where, key, value)
    if not table:
        raise _fail(where, key, "must list at least one dtype")
    out: dict[str, float] = {}
    for dtype, number in table.items():
        if dtype not in DTYPES:
            raise _fail(where, f"{key}.{dtype}", f"unknown dtype (known: {', '.join(DTYPES)})")
        out[dtype] = _number(where, f"{key}.{dtype}", number)
    return out


def _memory(where: str, value: Any) -> tuple[MemoryLevel, ...]:
    """The [[memory]] array: named levels, fastest first."""
    if not isinstance(value, list) or not value:
        raise _fail(where, "memory", "must be a non-empty array of tables ([[memory]])")
    levels: list[MemoryLevel] = []
    for index, raw in enumerate(value):
        key = f"memory[{index}]"
        entry = _table(where, key, raw)
        for field_name in _LEVEL_KEYS:
            if field_name not in entry:
                raise _fail(where, f"{key}.{field_name}", "missing required key")
        for field_name in entry:
            if field_name not in _LEVEL_KEYS:
                raise _fail(where, f"{key}.{field_name}", "unknown key")
        name = _string(where, f"{key}.name", entry["name"])
        if not _LEVEL_NAME.match(name):
            raise _fail(where, f"{key}.name", f"use letters, digits, '_' or '-' only, got {name!r}")
        if any(level.name == name for level in levels):
            raise _fail(where, f"{key}.name", f"duplicate memory level {name!r}")
        level = MemoryLevel(
            name=name,
            capacity_bytes=_number(where, f"memory.{name}.capacity_bytes", entry["capacity_bytes"]),
            bandwidth_bytes_per_s=_number(
                where, f"memory.{name}.bandwidth_bytes_per_s", entry["bandwidth_bytes_per_s"]
            ),
            energy_pj_per_byte=_number(
                where, f"memory.{name}.energy_pj_per_byte", entry["energy_pj_per_byte"],
                allow_zero=True,
            ),
        )  # fmt: skip
        if levels and level.bandwidth_bytes_per_s > levels[-1].bandwidth_bytes_per_s:
            raise _fail(
                where,
                f"memory.{name}.bandwidth_bytes_per_s",
                f"levels must be listed fastest first, but {name!r} is faster than {levels[-1].name!r}",
            )
        levels.append(level)
    return tuple(levels)


def _efficiency(where: str, key: str, value: Any) -> tuple[EfficiencyStep, ...]:
    """One constant factor, or [[key]] steps {min_amount, factor} sorted by min_amount."""
    if not isinstance(value, list):
        factor = _number(where, key, value)
        if factor > 1:
            raise _fail(where, key, f"must be in (0, 1], got {value!r}")
        return (EfficiencyStep(0.0, factor),)
    if not value:
        raise _fail(where, key, "must be a number or a non-empty array of tables")
    steps: list[EfficiencyStep] = []
    for index, raw in enumerate(value):
        step_key = f"{key}[{index}]"
        entry = _table(where, step_key, raw)
        for field_name in ("min_amount", "factor"):
            if field_name not in entry:
                raise _fail(where, f"{step_key}.{field_name}", "missing required key")
        for field_name in entry:
            if field_name not in ("min_amount", "factor"):
                raise _fail(where, f"{step_key}.{field_name}", "unknown key")
        amount = _number(where, f"{step_key}.min_amount", entry["min_amount"], allow_zero=True)
        factor = _number(where, f"{step_key}.factor", entry["factor"])
        if factor > 1:
            raise _fail(where, f"{step_key}.factor", f"must be in (0, 1], got {factor!r}")
        steps.append(EfficiencyStep(amount, factor))
    steps.sort(key=lambda step: step.min_amount)
    amounts = [step.min_amount for step in steps]
    if len(set(amounts)) != len(amounts):
        raise _fail(where, key, "two steps have the same min_amount")
    if amounts[0] != 0:
        raise _fail(where, key, "the smallest min_amount must be 0 so every amount has a factor")
    return tuple(steps)


def _points(where: str, key: str, value: Any) -> tuple[tuple[float, float], ...]:
    """A size table: [[amount, value], ...] with positive values, sorted by amount."""
    if not isinstance(value, list) or not value:
        raise _fail(where, key, "must be a non-empty array of [amount, value] pairs")
    points = []
    for index, pair in enumerate(value):
        if not isinstance(pair, list) or len(pair) != 2:
            raise _fail(where, f"{key}[{index}]", f"must be an [amount, value] pair, got {pair!r}")
        points.append((_number(where, f"{key}[{index}]", pair[0], allow_zero=True),
                       _number(where, f"{key}[{index}]", pair[1])))  # fmt: skip
    points.sort()
    if len({amount for amount, _ in points}) != len(points):
        raise _fail(where, key, "two points have the same amount")
    return tuple(points)


def _class_costs(where: str, key: str, value: Any) -> dict[str, ClassCost]:
    """{class or op: {ops_per_s = [[ops, rate]...]} or {s_per_element = [[elements, s]...]}}."""
    found = {}
    for name, raw in _table(where, key, value).items():
        entry = _table(where, f"{key}.{name}", raw)
        unknown = set(entry) - {"ops_per_s", "s_per_element"}
        if unknown or len(entry) != 1:
            raise _fail(where, f"{key}.{name}", "must hold exactly one of ops_per_s, s_per_element")
        table = _points(where, f"{key}.{name}.{next(iter(entry))}", next(iter(entry.values())))
        found[name] = ClassCost(ops_per_s=table) if "ops_per_s" in entry else ClassCost(s_per_element=table)
    return found


def _factors(where: str, key: str, value: Any) -> dict[str, float]:
    """{name: positive number}."""
    return {name: _number(where, f"{key}.{name}", v) for name, v in _table(where, key, value).items()}


def _bars(where: str, key: str, value: Any) -> dict[str, tuple[float, float]]:
    """{class: [low, high]} factors on a predicted time, low <= 1 <= high."""
    bars = {}
    for name, pair in _table(where, key, value).items():
        if not (isinstance(pair, list) and len(pair) == 2):
            raise _fail(where, f"{key}.{name}", f"must be a [low, high] pair, got {pair!r}")
        low, high = (_number(where, f"{key}.{name}", v) for v in pair)
        if not low <= 1 <= high:
            raise _fail(where, f"{key}.{name}", f"needs low <= 1 <= high, got {pair!r}")
        bars[name] = (low, high)
    return bars


def figure_keys(profile: HardwareProfile) -> list[str]:
    """The dotted keys of every figure of a profile, each of which needs a source."""
    keys = ["clock_hz", "kernel_overhead_s", "run_power_w", "idle_power_w", "overlap"]
    if profile.runtime:
        keys += ["runtime", "threads", "run_overhead_s"]
    keys += [f"op_classes.{name}" for name in profile.op_classes]
    keys += [f"op_types.{name}" for name in profile.op_types]
    keys += ["parallel_speedup"] if profile.parallel_speedup else []
    keys += ["error_bars"] if profile.error_bars else []
    keys += ["tf32_matmul"] if profile.tf32_matmul else []
    keys += ["light_after_heavy"] if profile.light_after_heavy != 1.0 else []
    keys += ["cold_start_s"] if profile.cold_start_s else []
    keys += ["next_image_share"] if profile.next_image_share != 1.0 else []
    keys += ["remote_s_per_byte"] if profile.remote_s_per_byte else []
    keys += ["compute_efficiency", "memory_efficiency"]
    keys += [f"peak_ops_per_s.{dtype}" for dtype in profile.peak_ops_per_s]
    keys += [f"energy_pj_per_op.{dtype}" for dtype in profile.energy_pj_per_op]
    for level in profile.memory:
        keys += [f"memory.{level.name}.{field}" for field in _LEVEL_KEYS[1:]]
    return keys


def parse_profile(data: Mapping[str, Any], where: str = "<profile>") -> HardwareProfile:
    """Validate a parsed TOML document and build the profile; `where` names it in errors."""
    for key in _REQUIRED:
        if key not in data:
            raise _fail(where, key, "missing required key")
    for key in data:
        if key not in _REQUIRED and key not in _OPTIONAL:
            raise _fail(where, key, "unknown key")

    kind = _string(where, "kind", data["kind"])
    if kind not in KINDS:
        raise _fail(where, "kind", f"unknown kind {kind!r} (known: {', '.join(KINDS)})")
    peaks = _dtype_table(where, "peak_ops_per_s", data["peak_ops_per_s"])
    if "float32" not in peaks:
        raise _fail(where, "peak_ops_per_s.float32", "missing: every dtype falls back to it")
    memory = _memory(where, data["memory"])
    names = [level.name for level in memory]
    levels = {}
    for key in ("weights_level", "activations_level"):
        levels[key] = _string(where, key, data[key])
        if levels[key] not in names:
            raise _fail(where, key, f"unknown memory level {levels[key]!r} (levels: {', '.join(names)})")
    overlap = data["overlap"]
    if not isinstance(overlap, bool):
        raise _fail(where, "overlap", f"must be true or false, got {overlap!r}")
    energy_model = data.get("energy_model", "power" if kind == "mcu" else "per_op")
    if energy_model not in ENERGY_MODELS:
        raise _fail(
            where,
            "energy_model",
            f"must be one of {', '.join(ENERGY_MODELS)}, got {energy_model!r}",
        )
    notes = data.get("notes", "")
    if not isinstance(notes, str):
        raise _fail(where, "notes", "must be a string")
    sources_raw = _table(where, "sources", data["sources"])
    sources = {str(k): _string(where, f'sources."{k}"', v) for k, v in sources_raw.items()}

    profile = HardwareProfile(
        name=_string(where, "name", data["name"]),
        display_name=_string(where, "display_name", data["display_name"]),
        kind=kind,  # type: ignore[arg-type]
        clock_hz=_number(where, "clock_hz", data["clock_hz"]),
        peak_ops_per_s=peaks,
        memory=memory,
        weights_level=levels["weights_level"],
        activations_level=levels["activations_level"],
        kernel_overhead_s=_number(where, "kernel_overhead_s", data["kernel_overhead_s"], allow_zero=True),
        run_power_w=_number(where, "run_power_w", data["run_power_w"]),
        idle_power_w=_number(where, "idle_power_w", data["idle_power_w"], allow_zero=True),
        overlap=overlap,
        compute_efficiency=_efficiency(where, "compute_efficiency", data["compute_efficiency"]),
        memory_efficiency=_efficiency(where, "memory_efficiency", data["memory_efficiency"]),
        energy_pj_per_op=_dtype_table(where, "energy_pj_per_op", data["energy_pj_per_op"]),
        sources=sources,
        notes=notes,
        path=where,
        energy_model=energy_model,
        runtime=_runtime(where, data.get("runtime", "")),
        threads=int(_number(where, "threads", data.get("threads", 1))),
        run_overhead_s=_number(where, "run_overhead_s", data.get("run_overhead_s", 0.0), allow_zero=True),
        op_classes=_class_costs(where, "op_classes", data.get("op_classes", {})),
        op_types=_class_costs(where, "op_types", data.get("op_types", {})),
        parallel_speedup=_factors(where, "parallel_speedup", data.get("parallel_speedup", {})),
        error_bars=_bars(where, "error_bars", data.get("error_bars", {})),
        tf32_matmul=_tf32(where, data.get("tf32_matmul", False), peaks),
        light_after_heavy=_number(where, "light_after_heavy", data.get("light_after_heavy", 1.0)),
        next_image_share=_number(where, "next_image_share", data.get("next_image_share", 1.0)),
        remote_s_per_byte=_number(
            where, "remote_s_per_byte", data.get("remote_s_per_byte", 0.0), allow_zero=True
        ),
        cold_start_s={
            key: _number(where, f"cold_start_s.{key}", value, allow_zero=True)
            for key, value in _table(where, "cold_start_s", data.get("cold_start_s", {})).items()
        },
    )
    needed = figure_keys(profile)
    for key in needed:
        if key not in sources:
            raise _fail(where, f'sources."{key}"', "missing: every figure needs a source")
    for key in sources:
        if key not in needed:
            raise _fail(where, f'sources."{key}"', "source for an unknown figure")
    return profile


def _tf32(where: str, value: Any, peaks: Mapping[str, float]) -> bool:
    """tf32_matmul: true needs a tf32 peak to run at."""
    if not isinstance(value, bool):
        raise _fail(where, "tf32_matmul", f"must be true or false, got {value!r}")
    if value and "tf32" not in peaks:
        raise _fail(where, "tf32_matmul", "is true but peak_ops_per_s has no tf32 entry")
    return value


def _runtime(where: str, value: Any) -> str:
    """A runtime name from RUNTIMES, or "" for none."""
    if value == "":
        return ""
    if value not in RUNTIMES:
        raise _fail(where, "runtime", f"unknown runtime {value!r} (known: {', '.join(RUNTIMES)})")
    return str(value)


def _read(where: str, text: str) -> HardwareProfile:
    """Parse TOML text and validate it."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _fail(where, "toml", f"not valid TOML ({error})") from None
    return parse_profile(data, where)


def _bundled_dir() -> Traversable:
    """The folder of the bundled profiles: beside the modules (a wheel) or in the source tree,
    else wherever the package's resources live (a zipped install)."""
    package = Path(__file__).resolve().parent.parent
    for folder in (package / "hardware_profiles", package.parent / "hardware_profiles"):
        if folder.is_dir():
            return folder
    return resources.files(_PACKAGE)


@cache
def _bundled_files() -> dict[str, Traversable]:
    """{profile name: file} for every bundled .toml (listed once: the package does not change)."""
    files = {}
    for entry in _bundled_dir().iterdir():
        if entry.name.endswith(".toml") and entry.is_file():
            files[entry.name[: -len(".toml")]] = entry
    return files


def profile_names() -> list[str]:
    """The names of the bundled profiles, sorted."""
    return sorted(_bundled_files())


@cache
def bundled_text(name: str) -> str:
    """The TOML text of a bundled profile."""
    return _bundled_files()[name].read_text(encoding="utf-8")


def _load_bundled(name: str) -> HardwareProfile:
    """Load one bundled profile by its exact file name stem (cached: profiles are frozen)."""
    entry = _bundled_files()[name]
    return _read(str(entry), entry.read_text(encoding="utf-8"))


def _normalize(name: str) -> str:
    """Case-insensitive profile name, '_' and spaces read as '-'."""
    return re.sub(r"[\s_]+", "-", name.strip().lower())


def load_profile(name_or_path: str | Path | HardwareProfile) -> HardwareProfile:
    """A bundled profile by name (case-insensitive) or a user's .toml file by path (a profile
    passes through)."""
    if isinstance(name_or_path, HardwareProfile):
        return name_or_path
    text = str(name_or_path)
    path = Path(text).expanduser()
    looks_like_path = text.endswith(".toml") or "/" in text or "\\" in text
    if looks_like_path or (path.is_file() and _normalize(text) not in _bundled_files()):
        if not path.is_file():
            raise _fail(str(path), "file", "no such hardware profile file")
        try:
            content = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise _fail(str(path), "file", f"cannot read ({error})") from None
        return _read(str(path), content)
    name = _normalize(text)
    if name not in _bundled_files():
        known = ", ".join(profile_names())
        raise ProfileError(f"unknown hardware profile {text!r} (known: {known})")
    return _load_bundled(name)


def list_profiles() -> list[HardwareProfile]:
    """Every bundled profile, sorted by name."""
    return [_load_bundled(name) for name in profile_names()]


def normalize_dtype(dtype: str) -> str:
    """The profile dtype key an ONNX dtype name runs as (unknown names -> 'float32')."""
    name = DTYPE_ALIASES.get(dtype.lower(), dtype.lower())
    return name if name in FALLBACKS else "float32"


def peak_for(profile: HardwareProfile, dtype: str) -> float:
    """Peak ops/s for a dtype, falling back along FALLBACKS (e.g. int8 -> float32, tf32 -> float32,
    bfloat16 -> float16 -> float32; any other dtype -> float32)."""
    for candidate in FALLBACKS[normalize_dtype(dtype)]:
        if candidate in profile.peak_ops_per_s:
            return profile.peak_ops_per_s[candidate]
    return profile.peak_ops_per_s["float32"]


def energy_per_op_pj(profile: HardwareProfile, dtype: str) -> float:
    """pJ per op for a dtype, with the same fallback as peak_for (float32 if none applies)."""
    for candidate in FALLBACKS[normalize_dtype(dtype)]:
        if candidate in profile.energy_pj_per_op:
            return profile.energy_pj_per_op[candidate]
    if "float32" in profile.energy_pj_per_op:
        return profile.energy_pj_per_op["float32"]
    return max(profile.energy_pj_per_op.values())


def memory_level(profile: HardwareProfile, name: str) -> MemoryLevel:
    """The memory level of that name (ProfileError if the profile has none)."""
    for level in profile.memory:
        if level.name == name:
            return level
    raise ProfileError(f"{profile.path or profile.name}: memory: no level named {name!r}")


def main_memory(profile: HardwareProfile) -> MemoryLevel:
    """The slower of the weights and activations levels: where data comes from at worst."""
    weights = memory_level(profile, profile.weights_level)
    activations = memory_level(profile, profile.activations_level)
    return min(weights, activations, key=lambda level: level.bandwidth_bytes_per_s)


def ridge_point(profile: HardwareProfile, dtype: str) -> float:
    """Ridge point in ops/byte = peak_for(dtype) ÷ bandwidth of main_memory (e.g. A100 float16:
    312e12 / 2.039e12 = 153)."""
    return peak_for(profile, dtype) / main_memory(profile).bandwidth_bytes_per_s


def class_seconds(
    profile: HardwareProfile, op_type: str, kind: str, amount: float, calls: float = 1
) -> float | None:
    """The calibrated time of a node of `kind` and size `amount`: from the first table the
    profile has of op_table_keys(op_type, kind), else the class's; None when it has neither
    (the roofline serves it). A node split into `calls` kernel calls takes calls × the time of
    one call of amount ÷ calls (points_seconds)."""
    key = next((key for key in op_table_keys(op_type, kind) if key in profile.op_types), None)
    cost = profile.op_types[key] if key is not None else profile.op_classes.get(kind)
    for mark in PER_SPAN_MARKS:
        if mark in op_type and (key is None or mark not in key):
            calls = 1  # a table of whole nodes times a broadcast or a block copy by its elements
    if cost is None or amount <= 0:
        return None if cost is None else 0.0
    calls = max(calls, 1)
    return calls * points_seconds(cost.ops_per_s or cost.s_per_element, bool(cost.ops_per_s), amount / calls)


def points_seconds(points: Sequence[tuple[float, float]], rates: bool, amount: float) -> float:
    """The seconds of one call of size `amount` by a table's points, (size, operations per second)
    where `rates`, else (size, seconds per element): its value interpolated (linear in log size),
    and below the smallest size affine through the two smallest points (a call has a fixed cost)
    where that size is small (SMALL_CALL), else at the smallest's value."""
    if amount >= points[0][0] or len(points) < 2 or points[0][0] > SMALL_CALL:
        value = interpolate(tuple(points), amount)
        return amount / value if rates else amount * value
    # the line through the two smallest (time = fixed + slope × size), its fixed part kept between
    # 0 and the smallest's time
    (size0, time0), (size1, time1) = (
        (size, size / value if rates else size * value) for size, value in points[:2]
    )
    fixed = min(max(time0 - (time1 - time0) / (size1 - size0) * size0, 0.0), time0)
    return fixed + (time0 - fixed) * amount / size0


# Kernels timed per span of their innermost loop (a broadcast's run, a Transpose's contiguous
# block): only a table of that kernel knows a span's time; any other times the whole node.
PER_SPAN_MARKS = (".broadcast", ".blocks")
# A table whose smallest size is at most this (operations or elements) measured calls small
# enough to show their fixed cost; below a larger smallest size the rate is held instead.
SMALL_CALL = 1e5


# The per-core cache: a run whose footprint exceeds COLD_SHARE of it finds its operands evicted
# (cold_start_s); a node whose own bytes exceed it was timed cold by its benchmark already.
COLD_LEVEL = "L2"
# The zoo's BERT int8 at sequence lengths 32 and 64 (footprints of 0.22 and 0.43 MiB) ran its
# integer GEMMs at their warm time, at 128 and 256 (1.25 and 4.4 MiB) slower (docs/method.md)
COLD_SHARE = 0.5


def cold_start_seconds(profile: HardwareProfile, op_type: str, kind: str) -> float:
    """The profile's cold_start_s of the first of op_table_keys(op_type, kind) it has, else 0."""
    key = next((key for key in op_table_keys(op_type, kind) if key in profile.cold_start_s), None)
    return profile.cold_start_s[key] if key is not None else 0.0


def op_table_keys(op_type: str, kind: str) -> list[str]:
    """The op_types keys that may time an op, most specific first: "Conv.1x1.u8u8:dense",
    "Conv.1x1.u8u8", then the key without one of its marks, in this order: the few-channels ones
    (".narrow", ".stem", ".shallow": a narrow stem falls back on the stems), the pointwise one,
    ".gemv", then the variants ".wide", ".masked", ".broadcast", ".blocks", ".generic",
    ".strided", ".patch", ".steps" and ".axis" (the op's ordinary kernel; a recurrent op's table of
    whole steps)."""
    keys = [f"{op_type}:{kind}", op_type]
    for shape in (
        ".narrow",
        ".stem",
        ".shallow",
        ".1x1",
        ".gemv",
        ".wide",
        ".masked",
        ".broadcast",
        ".blocks",
        ".generic",
        ".strided",
        ".patch",
        ".steps",
        ".axis",
    ):
        if shape in op_type:
            general = op_type.replace(shape, "", 1)
            keys += [f"{general}:{kind}", general]
    return keys


def interpolate(points: tuple[tuple[float, float], ...], amount: float) -> float:
    """The value at `amount`, linear in log(amount) between the two points around it (the end
    points' values beyond them)."""
    if amount <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if amount <= x1:
            if x0 <= 0:
                return y1
            share = (math.log(amount) - math.log(x0)) / (math.log(x1) - math.log(x0))
            return y0 + share * (y1 - y0)
    return points[-1][1]


def efficiency(steps: Iterable[EfficiencyStep], amount: float) -> float:
    """Factor of the step with the largest min_amount <= amount (the first step's below all)."""
    ordered = sorted(steps, key=lambda step: step.min_amount)
    if not ordered:
        raise ValueError("efficiency: no steps")
    chosen = ordered[0].factor
    for step in ordered:
        if amount >= step.min_amount:
            chosen = step.factor
        else:
            break
    return chosen
