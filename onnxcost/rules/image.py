"""Image decoding (ImageDecoder): an estimate from the arithmetic of baseline JPEG decoding."""

from __future__ import annotations

from onnxcost.rules.registry import NodeView, rule
from onnxcost.types import Work

# Per decoded sample: 1 dequantizing multiply; the 8×8 IDCT as 16 one-dimensional 8-point
# transforms of 11 multiplies + 29 adds each (Loeffler, Ligtenberg, Moschytz, ICASSP 1989):
# 16·40 / 64 = 10; YCbCr → RGB about 3 (4 multiplies and 5 adds per pixel over 3 channels).
JPEG_FLOPS_PER_SAMPLE = 1 + 10 + 3


@rule("ImageDecoder")
def image_decoder(view: NodeView) -> Work:
    """FLOPs ≈ 14 × output elements: dequantize 1, 8×8 IDCT 10, colour conversion 3."""
    return Work(flops=JPEG_FLOPS_PER_SAMPLE * view.out_numel(0), status="estimated",
                note="baseline JPEG arithmetic; the image size is data-dependent")  # fmt: skip
