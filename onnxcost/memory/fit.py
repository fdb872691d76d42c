"""Does it fit: activations (the arena) and weights against a device's memory levels.

Microcontroller: the arena goes in the profile's activations level (SRAM), the weights in its
weights level (flash); each gets its headroom (capacity − need; negative = overflow, in bytes).
When both live in one level (GPU HBM, CPU DRAM) they share it. Other devices also get the
largest batch that fits: activations grow linearly with the batch, arena(b) ≈ fixed + b ×
per_sample, measured from two batch sizes (or scaled from a fixed batch), then checked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from onnxcost.types import HardwareProfile, MemoryLevel


def _level(profile: HardwareProfile, name: str) -> MemoryLevel:
    for level in profile.memory:
        if level.name == name:
            return level
    raise ValueError(f"profile {profile.name!r} has no memory level {name!r}")


def _check(level: MemoryLevel, need: int) -> dict[str, Any]:
    capacity = int(level.capacity_bytes)
    headroom = capacity - need
    return {
        "level": level.name,
        "capacity_bytes": capacity,
        "need_bytes": need,
        "headroom_bytes": headroom,
        "overflow_bytes": max(-headroom, 0),
        "fits": headroom >= 0,
    }


def fit_memory(profile: HardwareProfile, arena_bytes: int, weight_bytes: int) -> dict[str, Any]:
    """Arena vs the activations level, weights vs the weights level (one check if they are one)."""
    activations = _level(profile, profile.activations_level)
    weights = _level(profile, profile.weights_level)
    result: dict[str, Any] = {"profile": profile.name, "kind": profile.kind,
                              "arena_bytes": arena_bytes, "weight_bytes": weight_bytes}  # fmt: skip
    if activations.name == weights.name:
        shared = _check(activations, arena_bytes + weight_bytes)
        result["activations"] = result["weights"] = shared
        result["shared_level"] = True
        result["fits"] = shared["fits"]
    else:
        result["activations"] = _check(activations, arena_bytes)
        result["weights"] = _check(weights, weight_bytes)
        result["shared_level"] = False
        result["fits"] = result["activations"]["fits"] and result["weights"]["fits"]
    return result


def fit_summary(fit: dict[str, Any], activations: str = "arena") -> str:
    """One line: 'arena 393,216 B in SRAM (327,680 B): 65,536 B over; weights ... in FLASH (...): fits'
    (`activations` names what stood for the activations: the arena, or the peak of live bytes)."""
    parts = []
    checks = [(f"{activations} + weights", fit["activations"])] if fit["shared_level"] else [
        (activations, fit["activations"]), ("weights", fit["weights"])]  # fmt: skip
    for what, check in checks:
        state = "fits" if check["fits"] else f"{check['overflow_bytes']:,} B over"
        room = f"{check['level']} ({check['capacity_bytes']:,} B)"
        parts.append(f"{what} {check['need_bytes']:,} B in {room}: {state}")
    return "; ".join(parts)


def largest_batch(
    profile: HardwareProfile,
    weight_bytes: int,
    arena_at: Callable[[int], int | None],
    batch_dim: str | None,
    batch_now: int,
    arena_now: int,
) -> dict[str, Any]:
    """The largest batch whose weights + arena fit the activations level.

    `arena_at(b)` gives the arena at batch b (None when it cannot be computed); with no batch
    symbol (`batch_dim` None) the arena is scaled per sample from the current batch instead.
    """
    level = _level(profile, profile.activations_level)
    capacity = int(level.capacity_bytes)
    shared = profile.weights_level == profile.activations_level
    budget = capacity - weight_bytes if shared else capacity
    if batch_dim is not None:
        one, two = arena_at(1), arena_at(2)
        if one is None or two is None:
            return {"batch_dim": batch_dim, "max_batch": None, "method": "arena not computable"}
        per_sample = max(two - one, 0)
        fixed = one - per_sample
        method = f"linear in {batch_dim}: arena({batch_dim}=2) − arena({batch_dim}=1)"
    else:
        per_sample = -(-arena_now // max(batch_now, 1))
        fixed = 0
        method = f"scaled per sample from the model's fixed batch {batch_now}"
    result: dict[str, Any] = {
        "batch_dim": batch_dim,
        "level": level.name,
        "budget_bytes": budget,
        "per_sample_bytes": per_sample,
        "fixed_bytes": fixed,
        "method": method,
        "verified": False,
    }
    if per_sample <= 0:
        result["max_batch"] = None
        return result
    batch = (budget - fixed) // per_sample
    if batch < 1:
        result["max_batch"] = 0
        return result
    if batch_dim is not None:
        for _ in range(4):
            need = arena_at(batch)
            if need is None:
                break
            if need <= budget:
                result["verified"] = True
                break
            batch = max(int(batch * budget / need), 1)
    result["max_batch"] = int(batch)
    return result
