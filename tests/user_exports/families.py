"""The zoo's model families: each a torch model, its inputs and outputs, and what is derived from it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import torch
from torch import nn

from tests.user_exports import nets
from tests.user_exports.reference import InputSpec

IMAGE_AXES = {0: "batch", 2: "height", 3: "width"}
TEXT_AXES = {0: "batch", 1: "seq"}
CACHE_AXES = {0: "batch", 2: "past_seq"}
ENCODER_BAKES_SEQ = (
    "the legacy exporter traces nn.MultiheadAttention's reshape with the example's seq as a constant "
    "(onnxruntime then fails at any other seq), so 'legacy' is traced at the bound shapes and "
    "'legacy_example' at the small example"
)


@dataclass(frozen=True)
class Family:
    """One model and the export forms built from it."""

    name: str
    make: Callable[[], nn.Module]
    inputs: tuple[InputSpec, ...]
    outputs: tuple[tuple[str, Mapping[int, str]], ...]
    transformer: tuple[str, int, int] | None = None  # (optimize_model type, num_heads, hidden_size)
    qdq: bool = False  # also a static QDQ quantization
    fp16_keep_io: bool | None = None  # an fp16 conversion when set, with this keep_io_types
    fastpath: bool = False  # also export under no_grad with the nn.MultiheadAttention fast path on
    legacy_at_bound: str = ""  # why "legacy" is traced at the bound shapes ("legacy_example": at the example)
    # other bindings users make (batch 1, odd sizes, one step, empty cache): name → input → shape
    alternates: Mapping[str, Mapping[str, tuple[int, ...]]] = field(default_factory=dict, hash=False)


def _image(name: str, bound: tuple[int, ...], example: tuple[int, ...], axes: Mapping[int, str]) -> InputSpec:
    """A float image input."""
    return InputSpec(name, bound, example, axes, "float")


def _text(
    name: str, kind: str, bound: tuple[int, int] = (2, 128), example: tuple[int, int] = (3, 16)
) -> InputSpec:
    """A [batch, seq] token-aligned input."""
    return InputSpec(name, bound, example, TEXT_AXES, kind, nets.VOCAB)


def _cache(name: str) -> InputSpec:
    """A [batch, heads, past_seq, head_dim] KV-cache input of the GPT model."""
    return InputSpec(name, (2, 4, 16, 16), (3, 4, 8, 16), CACHE_AXES, "float")


def _gpt() -> Family:
    """The GPT decoder with a 2-layer KV cache."""
    caches = [f"past_{kind}_{layer}" for layer in range(2) for kind in ("key", "value")]
    present_axes = {0: "batch", 2: "past_seq + seq"}
    return Family(
        "gpt",
        nets.Gpt,
        (_text("input_ids", "ids", example=(3, 4)), *(_cache(c) for c in caches)),
        (("logits", TEXT_AXES), *((c.replace("past", "present"), present_axes) for c in caches)),
        transformer=("gpt2", 4, 64),
        alternates={
            "decode (seq 1)": {"input_ids": (2, 1)} | {c: (2, 4, 16, 16) for c in caches},
            "empty cache (past_seq 0)": {"input_ids": (2, 128)} | {c: (2, 4, 0, 16) for c in caches},
        },
    )


def _text_alternate(*names: str) -> dict[str, dict[str, tuple[int, ...]]]:
    """Batch 1, seq 7 for every [batch, seq] input."""
    return {"batch 1, seq 7": {name: (1, 7) for name in names}}


def families() -> list[Family]:
    """Every family of the zoo, the slowest to export first."""
    logits = (("logits", {0: "batch"}),)
    text = ("input_ids", "attention_mask", "token_type_ids")
    kinds = ("ids", "mask", "types")
    imagenet = (_image("images", (2, 3, 224, 224), (3, 3, 64, 64), IMAGE_AXES),)
    odd = {"batch 1, odd 225x193": {"images": (1, 3, 225, 193)}}
    one_step = {"one step, batch 3": {"features": (1, 3, 40)}}
    return [
        Family("crnn", nets.Crnn,
               (_image("images", (2, 1, 32, 256), (3, 1, 32, 64), {0: "batch", 3: "width"}),),
               (("log_probs", {0: "steps", 1: "batch"}),),
               alternates={"batch 1, width 102": {"images": (1, 1, 32, 102)}}),
        Family("gru", nets.GruClassifier,
               (InputSpec("features", (100, 2, 40), (20, 3, 40), {0: "time", 1: "batch"}, "float"),), logits,
               alternates=one_step),
        Family("unet", nets.UNet, (_image("images", (2, 3, 128, 128), (3, 3, 64, 64), IMAGE_AXES),),
               (("masks", IMAGE_AXES),), alternates={"batch 1, 96x160": {"images": (1, 3, 96, 160)}}),
        Family("mobilenetv2", nets.MobileNetV2, imagenet, logits, qdq=True, alternates=odd),
        Family("resnet", nets.ResNet, imagenet, logits, qdq=True, fp16_keep_io=False, alternates=odd),
        Family("lstm", nets.LstmClassifier,
               (InputSpec("features", (2, 100, 40), (3, 20, 40), {0: "batch", 1: "time"}, "float"),), logits,
               alternates={"one step, batch 3": {"features": (3, 1, 40)}}),
        _gpt(),
        Family("bert", nets.Bert, tuple(_text(n, k) for n, k in zip(text, kinds, strict=True)),
               (("last_hidden_state", TEXT_AXES), ("pooler_output", {0: "batch"})),
               transformer=("bert", 4, 64), fp16_keep_io=True, alternates=_text_alternate(*text)),
        Family("torch_encoder", nets.TorchEncoder,
               (_text("input_ids", "ids"), _text("padding_mask", "padding")),
               logits, transformer=("bert", 4, 64), fastpath=True, legacy_at_bound=ENCODER_BAKES_SEQ,
               alternates=_text_alternate("input_ids", "padding_mask")),
        Family("vit", nets.Vit, (_image("pixel_values", (2, 3, 64, 64), (3, 3, 64, 64), {0: "batch"}),),
               logits, transformer=("vit", 4, 64), fastpath=True,
               alternates={"batch 5": {"pixel_values": (5, 3, 64, 64)}}),
    ]  # fmt: skip


def build_model(family: Family) -> nn.Module:
    """The family's model in eval mode, seeded, with weights as distinct as a trained model's."""
    torch.manual_seed(0)
    model = family.make()
    with torch.no_grad():
        # untrained LayerNorms (all ones, all zeros), zero biases and the layers nn.TransformerEncoder
        # deep-copies are equal tensors, which both exporters write once: perturb every parameter
        for param in model.parameters():
            param.add_(torch.randn_like(param) * 0.02)
        for module in model.modules():
            if isinstance(module, nn.modules.batchnorm._BatchNorm):
                module.weight.uniform_(0.5, 1.5)
                module.bias.normal_(0.0, 0.1)
                module.running_mean.normal_(0.0, 0.1)
                module.running_var.uniform_(0.5, 1.5)
    return model.eval()
