"""Independent reference figures of the zoo's models, computed with torch and onnxruntime only."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import helper
from torch import nn
from torch.nn.attention import SDPBackend, sdpa_kernel
from torch.utils.flop_counter import FlopCounterMode

# gates of a recurrent cell: LSTM i,f,g,o; GRU r,z,n; Elman RNN one
GATES: dict[type[nn.Module], int] = {nn.LSTM: 4, nn.GRU: 3, nn.RNN: 1}


@dataclass(frozen=True)
class InputSpec:
    """One model input: its bound (survey) shape, its export example shape and its dynamic axes."""

    name: str
    bound: tuple[int, ...]
    example: tuple[int, ...]
    axes: Mapping[int, str]
    kind: str  # float | ids | mask | types | padding
    high: int = 1000  # exclusive upper bound of ids


@dataclass(frozen=True)
class MacCount:
    """torch's MAC count at one binding, and how the recurrent part of it was obtained."""

    macs: int
    recurrent_hand: int
    recurrent_counted: int
    default_macs: int  # FlopCounterMode on torch's defaults: oneDNN, fast paths, no_grad


@contextlib.contextmanager
def decomposed() -> Iterator[None]:
    """Run torch on its decomposed kernels: no oneDNN RNN, SDPA math, no MHA/encoder fast path."""
    fast = torch.backends.mha.get_fastpath_enabled()
    torch.backends.mha.set_fastpath_enabled(False)
    try:
        with torch.no_grad(), torch.backends.mkldnn.flags(enabled=False), sdpa_kernel(SDPBackend.MATH):
            yield
    finally:
        torch.backends.mha.set_fastpath_enabled(fast)


def make_feeds(
    inputs: Sequence[InputSpec],
    seed: int = 0,
    example: bool = False,
    shapes: Mapping[str, tuple[int, ...]] | None = None,
) -> dict[str, np.ndarray]:
    """Random inputs at the bound, example or given shapes; masks pad the last quarter of row 1."""
    rng = np.random.default_rng(seed)
    feeds: dict[str, np.ndarray] = {}
    for spec in inputs:
        shape = shapes[spec.name] if shapes else spec.example if example else spec.bound
        feeds[spec.name] = _one_feed(spec, shape, rng)
    return feeds


def _one_feed(spec: InputSpec, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """One input array of `spec`'s kind."""
    if spec.kind == "float":
        return rng.standard_normal(shape).astype(np.float32)
    if spec.kind == "ids":
        return rng.integers(0, spec.high, shape).astype(np.int64)
    if spec.kind == "types":
        types = np.zeros(shape, np.int64)
        types[..., shape[-1] // 2 :] = 1
        return types
    # an attention mask is int64 (1 = token) as tokenizers give it; a padding mask bool (True = pad)
    padded = np.zeros(shape, bool)
    if shape[0] > 1:
        padded[1, shape[-1] - shape[-1] // 4 :] = True
    return (~padded).astype(np.int64) if spec.kind == "mask" else padded


def _as_torch(feeds: Mapping[str, np.ndarray]) -> tuple[torch.Tensor, ...]:
    """The feeds as the positional torch arguments of the model."""
    return tuple(torch.from_numpy(value) for value in feeds.values())


def torch_reference(model: nn.Module, feeds: Mapping[str, np.ndarray]) -> tuple[list[np.ndarray], MacCount]:
    """The model's outputs and MACs (FlopCounterMode ÷ 2, decomposed kernels; recurrent also by formula)."""
    args = _as_torch(feeds)
    hand: list[int] = []
    handles = [
        m.register_forward_pre_hook(_recurrent_hook(hand)) for m in model.modules() if type(m) in GATES
    ]
    with decomposed(), FlopCounterMode(display=False) as counter:
        out = model(*args)
    for handle in handles:
        handle.remove()
    with torch.no_grad(), FlopCounterMode(display=False) as default:
        model(*args)
    counted = _recurrent_counted(model, counter.get_flop_counts()) // 2
    if counted and counted != sum(hand):
        raise AssertionError(f"FlopCounterMode counts {counted} recurrent MACs, the formula {sum(hand)}")
    total = counter.get_total_flops() // 2 + (sum(hand) if counted == 0 else 0)
    outputs = [o.detach().float().numpy() for o in (out if isinstance(out, tuple) else (out,))]
    return outputs, MacCount(total, sum(hand), counted, default.get_total_flops() // 2)


def _recurrent_counted(model: nn.Module, counts: Mapping[str, Mapping[object, int]]) -> int:
    """FLOPs FlopCounterMode attributed to the model's recurrent modules."""
    root = type(model).__name__
    names = {f"{root}.{name}" for name, m in model.named_modules() if type(m) in GATES}
    return sum(sum(ops.values()) for key, ops in counts.items() if key in names)


def _recurrent_hook(total: list[int]) -> Callable[[nn.Module, tuple[torch.Tensor, ...]], None]:
    """A pre-hook appending an LSTM/GRU/RNN call's MACs: gates·H·(I+H) per step, batch row, direction."""

    def hook(module: nn.Module, inputs: tuple[torch.Tensor, ...]) -> None:
        assert isinstance(module, nn.RNNBase)
        x = inputs[0]
        steps, batch = (x.shape[1], x.shape[0]) if module.batch_first else (x.shape[0], x.shape[1])
        directions = 2 if module.bidirectional else 1
        width = module.input_size
        for _ in range(module.num_layers):
            total.append(GATES[type(module)] * module.hidden_size * (width + module.hidden_size)
                         * steps * batch * directions)  # fmt: skip
            width = module.hidden_size * directions

    return hook


def param_counts(model: nn.Module) -> tuple[int, int, int]:
    """(parameters, float buffers, parameters with every BatchNorm folded into the conv before it)."""
    params = sum(p.numel() for p in model.parameters())
    buffers = sum(b.numel() for b in model.buffers() if b.is_floating_point())
    folded, conv = params, None
    for module in model.modules():
        if isinstance(module, nn.modules.conv._ConvNd):
            conv = module
        elif isinstance(module, nn.modules.batchnorm._BatchNorm) and conv is not None:
            folded -= 2 * module.num_features - (module.num_features if conv.bias is None else 0)
            conv = None
    return params, buffers, folded


def input_types(path: Path) -> dict[str, np.dtype]:
    """The numpy dtype of every graph input of an ONNX file (initializers excluded)."""
    graph = onnx.load(str(path), load_external_data=False).graph
    inits = {i.name for i in graph.initializer}
    return {
        i.name: helper.tensor_dtype_to_np_dtype(i.type.tensor_type.elem_type)
        for i in graph.input
        if i.name not in inits
    }


def run_onnx(path: Path, feeds: Mapping[str, np.ndarray]) -> list[np.ndarray]:
    """The file's outputs in onnxruntime (CPU, default optimizations), inputs cast to the declared dtypes."""
    options = ort.SessionOptions()
    options.log_severity_level = 4
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    types = input_types(path)
    cast = {name: np.asarray(value).astype(types[name]) for name, value in feeds.items()}
    return [np.asarray(o, dtype=np.float32) for o in session.run(None, cast)]


def max_abs_diff(got: Sequence[np.ndarray], want: Sequence[np.ndarray]) -> float:
    """The largest absolute difference over outputs of equal shapes (inf when shapes differ)."""
    if len(got) != len(want) or any(g.shape != w.shape for g, w in zip(got, want, strict=True)):
        return float("inf")
    return max(float(np.max(np.abs(g - w))) if g.size else 0.0 for g, w in zip(got, want, strict=True))
