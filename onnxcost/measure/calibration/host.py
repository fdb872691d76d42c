"""What this host says about itself: its CPU's name and clock, its caches and its memory (Linux
sysfs and /proc; other systems give what `platform` and `os` know)."""

from __future__ import annotations

import os
import platform
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Cache:
    """One data (or unified) cache level of one core: its name and size in bytes."""

    name: str
    size_bytes: int


@dataclass(frozen=True)
class Host:
    """The CPU's name, cores, clock (Hz, 0 when unknown), caches and memory (bytes)."""

    cpu: str
    cores: int
    clock_hz: float
    caches: tuple[Cache, ...]
    memory_bytes: int


def _read(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _size(text: str) -> int:
    """'48K' → 49152; '2048K', '32M'."""
    match = re.fullmatch(r"\s*(\d+)\s*([KMG]?)\s*", text)
    if not match:
        return 0
    return int(match.group(1)) * {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[match.group(2)]


def caches(root: str = "/sys/devices/system/cpu/cpu0/cache") -> tuple[Cache, ...]:
    """The data and unified caches of the first core, innermost first."""
    found = []
    for index in sorted(Path(root).glob("index*")):
        if _read(index / "type").strip() in ("Data", "Unified"):
            size = _size(_read(index / "size"))
            if size:
                found.append(Cache(f"L{_read(index / 'level').strip()}", size))
    return tuple(sorted(found, key=lambda cache: cache.name))


def host() -> Host:
    """This host's description."""
    cpuinfo = _read("/proc/cpuinfo")
    name = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    mhz = re.search(r"^cpu MHz\s*:\s*([\d.]+)$", cpuinfo, re.M)
    meminfo = re.search(r"^MemTotal:\s*(\d+) kB", _read("/proc/meminfo"), re.M)
    return Host(
        cpu=name.group(1).strip() if name else (platform.processor() or platform.machine() or "unknown CPU"),
        cores=os.cpu_count() or 1,
        clock_hz=float(mhz.group(1)) * 1e6 if mhz else 0.0,
        caches=caches(),
        memory_bytes=int(meminfo.group(1)) * 1024 if meminfo else 0,
    )
