"""Hand-worked figures for the ONNX Runtime contrib ops (com.microsoft) beyond test_contrib.py:
MoE and routers, paged and sparse attention, linear recurrences and state-space steps, LLM
norms and mixers, block-quantized and float8 products, the cublasLt-ordered int8 ops, the
generation loops (BeamSearch and friends) and the remaining helpers.

ONNX shape inference knows nothing of this domain: every case also exercises the op's own
shape rule; output shapes are given only where an output size is data-dependent.
"""

import numpy as np
import pytest
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

import onnxcost
from onnxcost.symbolic.formulas import to_json
from tests.rules.harness import Case, In, W, build, check

MS = "com.microsoft"


def ms(op_type, inputs, **kw) -> Case:
    """A com.microsoft case."""
    return Case(op_type, inputs, domain=MS, **kw)


def s(name, value, dtype="float32") -> W:
    """A scalar or small constant initializer."""
    return W(name, value=value, dtype=dtype)


MISC_CASES = [
    # ------------------------------------------------------------------- image sampling
    ms("GridSample", [In("x", (1, 3, 8, 8)), In("grid", (1, 4, 4, 2))],
       # out (1, 3, 4, 4) = 48 values × 7 (4 taps: 4 mul + 3 add) = 336; 16 locations ×
       # (unnormalize 2·2 + bilinear weights 3·2 + 4 + zeros-padding bound checks 2·4 taps·2) = 30
       # → 480; 816
       macs=0, flops=816, bytes_written=48 * 4, why="contrib GridSample bilinear 4×4"),
    ms("CropAndResize", [In("x", (1, 3, 16, 16)), W("rois", (2, 4)), W("bi", (2,), "int32"),
                         s("size", [4, 4], "int32")],
       # out (2, 3, 4, 4) = 96 values × 7 = 672; 32 locations × (4 coords + 4 bounds + 10
       # weights) = 576; 2 boxes × 6 scales = 12 → 1,260
       macs=0, flops=1_260, bytes_written=96 * 4, why="2 boxes → 4×4 bilinear crops"),
    ms("CropAndResize", [In("x", (1, 3, 16, 16)), W("rois", (2, 4)), W("bi", (2,), "int32"),
                         s("size", [4, 4], "int32")], attrs={"mode": "nearest"},
       # 32 locations × (8 + 2 round) = 320 + 12 = 332
       macs=0, flops=332, why="nearest crops"),
    ms("MaxpoolWithMask", [In("x", (1, 2, 8, 8)), In("m", (1, 2, 8, 8), "int32")],
       attrs={"kernel_shape": [2, 2], "strides": [2, 2]},
       # out (1, 2, 4, 4) = 32 × 4 window elements × 2 (mask test, compare) = 256
       macs=0, flops=256, bytes_written=128, why="masked 2×2/2 max pool"),
    ms("ConvTransposeWithDynamicPads", [In("x", (1, 8, 4, 4)), W("w", (8, 4, 3, 3)),
                                        s("pads", [1, 1, 1, 1], "int64")],
       attrs={"strides": [2, 2]},
       # out spatial 2·(4 − 1) + 3 − 1 − 1 = 7: (1, 4, 7, 7); MACs = 8·16 inputs · 4 · 9 = 4,608
       macs=4_608, flops=9_216, bytes_written=196 * 4, why="stride-2 transpose, pads as input"),
    # --------------------------------------------------------------- distances, complex
    ms("CDist", [In("a", (4, 16)), W("b", (8, 16))],
       # 32 pairs × 16 = 512 MACs; FLOPs = 1,024 + 512 subtracts
       macs=512, flops=1_536, bytes_written=128, why="squared euclidean 4×8 pairs"),
    ms("CDist", [In("a", (4, 16)), W("b", (8, 16))], attrs={"metric": "euclidean"},
       # + one square root per pair: 1,536 + 32
       macs=512, flops=1_568, why="euclidean 4×8 pairs"),
    ms("ComplexMul", [In("a", (2, 8, 2)), In("b", (2, 8, 2))],
       # 16 complex products × 6 = 96
       macs=0, flops=96, bytes_written=128, why="complex product 16 values"),
    ms("ComplexMulConj", [In("a", (2, 8, 2)), In("b", (1, 8, 2))],
       # broadcast to 16 complex values × 6
       macs=0, flops=96, why="complex product with conjugate, broadcast"),
    # ----------------------------------------------------------------------------- FFTs
    ms("Rfft", [In("x", (4, 64))],
       # 4 transforms of 64 = 2^6: 4 · 5·64·6 = 7,680 (FFT convention: estimated); out (4, 33, 2)
       macs=0, flops=7_680, status="estimated", bytes_written=4 * 33 * 2 * 4, why="rfft n = 64"),
    ms("Rfft", [In("x", (2, 10))],
       # n = 10 not a power of two: direct DFT, 2 · 4·10·6 bins = 480 MACs
       macs=480, flops=960, status="ok", why="rfft n = 10, direct DFT"),
    ms("Irfft", [In("x", (4, 33, 2))], attrs={"signal_ndim": 1},
       # n = 2·32 = 64: 4 · 1,920 = 7,680 + 1/N scaling 2 · 4·64 = 512
       macs=0, flops=8_192, bytes_written=4 * 64 * 4, why="irfft back to n = 64"),
    # ----------------------------------------------------------------------- embeddings
    ms("TorchEmbedding", [W("w", (100, 16)), In("i", (2, 5), "int64")],
       # out (2, 5, 16) = 160 floats: reads 160 rows' values (640) + indices 80, writes 640
       macs=0, flops=0, bytes_read=720, bytes_written=640, params=1_600, status="zero",
       why="embedding rows gathered"),
    ms("WordConvEmbedding", [In("seq", (6, 10), "int32"), W("w", (32, 1, 3, 8)), W("b", (32,)),
                             W("c", (50, 8))],
       # 6 words of 10 chars, 32 filters, window 3 over 8-wide char embeddings: 8 positions;
       # MACs = 6·8·32·3·8 = 36,864; FLOPs = 73,728 + 6·8·32·3 = 4,608 + length scan 60
       macs=36_864, flops=78_396, status="estimated", bytes_written=6 * 32 * 4,
       why="char-CNN word embedding"),
    # ------------------------------------------------------------- padding, unfolding
    ms("RemovePadding", [In("x", (2, 16, 64)), In("n", (2,), "int32")], outputs=4,
       # a running sum over 2 sequences; the kept rows are data (an unknown dim)
       macs=0, flops=2, why="remove right padding"),
    ms("RestorePadding", [In("x", (20, 64)), In("off", (2, 16), "int32")],
       # scatter into (2, 16, 64): writes 2,048 floats
       macs=0, flops=0, bytes_written=8_192, status="zero", why="restore padding"),
    ms("UnfoldTensor", [In("x", (2, 10))], attrs={"size": 4, "step": 2},
       # (10 − 4)/2 + 1 = 4 windows of 4: (2, 4, 4) = 32 floats written
       macs=0, flops=0, bytes_written=128, status="zero", why="unfold size 4 step 2"),
    # ------------------------------------------------------------------ sets, hashing
    ms("Unique", [In("x", (100,), "int64")], outputs=3,
       # sort 100 values: 100 × (⌈log2 100⌉ = 7 + 1 neighbour compare) = 800
       macs=0, flops=800, status="estimated", why="contrib Unique of 100"),
    ms("MurmurHash3", [In("x", (1000,), "int32")],
       # one 4-byte block each: 1,000 × (7 + 10); uint32 output
       macs=0, flops=17_000, bytes_written=4_000, why="hash 1,000 int32 keys"),
    ms("MurmurHash3", [In("x", (10,), "int64")], attrs={"positive": 0},
       # two blocks each: 10 × (14 + 10)
       macs=0, flops=240, why="hash 10 int64 keys, signed"),
    # ---------------------------------------------------------------- dropout, checks
    ms("BitmaskDropout", [In("x", (4, 100))], outputs=2,
       # inference: a copy; mask ⌈400/32⌉ = 13 uint32 → writes 1,600 + 52
       macs=0, flops=0, bytes_written=1_652, status="zero", why="bitmask dropout, inference"),
    ms("BitmaskDropout", [In("x", (4, 100)), s("r", 0.1), s("t", True, "bool")], outputs=2,
       # training: 400 × (mask compare + scale)
       macs=0, flops=800, why="bitmask dropout, training"),
    ms("BitmaskBiasDropout", [In("x", (2, 64)), W("b", (64,)), In("res", (2, 64))],
       # inference: 128 × (bias + residual)
       macs=0, flops=256, why="bias + residual, inference"),
    ms("IsAllFinite", [In("a", (10, 10)), In("b", (5,))],
       # 105 elements × (isfinite + and); one bool written
       macs=0, flops=210, bytes_written=1, why="finite check of two tensors"),
    ms("DynamicTimeWarping", [In("cost", (20, 30))],
       # 600 cells × 3 + backtrack 2·50 = 1,900; path ≤ 49 steps: (2, 49) int32 = 392 bytes
       macs=0, flops=1_900, bytes_written=392, status="estimated", why="DTW 20×30"),
    # ------------------------------------------------------------------ opaque nodes
    ms("EPContext", [In("x", (1, 3, 32, 32))], attrs={"ep_cache_context": "blob", "source": "QNN"},
       out_shapes=[((1, 10), "float32")],
       # a compiled partition: tensors counted, arithmetic unknown (estimated, 0 FLOPs)
       macs=0, flops=0, bytes_read=12_288, bytes_written=40, status="estimated",
       why="EP context node"),
    ms("Snpe", [In("x", (1, 3, 32, 32), "uint8")], attrs={"DLC": "blob"},
       out_shapes=[((1, 10), "float32")],
       macs=0, flops=0, status="estimated", why="SNPE DLC node"),
    ms("SampleOp", [In("x", (4, 4))],
       # echo: Y = X
       macs=0, flops=0, bytes_written=64, status="estimated", why="sample echo op"),
]

MOE_CASES = [
    ms("MoE", [In("x", (1, 4, 64)), In("router", (4, 8)), W("fc1", (8, 128, 64)), None,
               W("fc2", (8, 64, 128))], attrs={"k": 2},
       # 4 tokens × 2 experts, H 64, I 128 (relu): MACs = 4·2·64·(128 + 128) = 131,072;
       # FLOPs = 262,144 + relu 4·2·128 = 1,024 + routing 4·8·(5 softmax + 2 max passes) = 224
       # + combine 4·2·64·2 = 1,024 → 264,416. 8 picks ≥ 8 experts: all weights read
       # (2 × 262,144) + x 1,024 + router 128 = 525,440
       macs=131_072, flops=264_416, bytes_read=525_440, why="top-2 of 8 experts, 4 tokens"),
    ms("MoE", [In("x", (1, 1, 64)), In("router", (1, 8)), W("fc1", (8, 256, 64)), None,
               W("fc2", (8, 64, 128))],
       attrs={"k": 2, "activation_type": "swiglu", "swiglu_fusion": 1},
       # one token; fused gate|up: FC1 rows 256, I = 128; MACs = 2·64·(256 + 128) = 49,152;
       # FLOPs = 98,304 + SwiGLU 2·128·7 = 1,792 + routing 8·7 = 56 + combine 2·64·2 = 256
       # = 100,408. Only 2 of 8 experts read: FC1 524,288/8·2 = 131,072 + FC2 262,144/8·2 =
       # 65,536, + x 256 + router 32 → 196,896
       macs=49_152, flops=100_408, bytes_read=196_896, why="decode token, fused SwiGLU experts"),
    ms("QMoE", [In("x", (2, 64)), In("router", (2, 4)), W("fc1", (4, 128, 32), "uint8"),
                W("s1", (4, 128)), None, W("fc2", (4, 64, 64), "uint8"), W("s2", (4, 64))],
       attrs={"k": 1, "expert_weight_bits": 4},
       # 4-bit experts: I = 128 (FC1 rows), H = 64; 2 tokens, top-1: MACs = 2·64·256 = 32,768;
       # FLOPs = 65,536 + relu 256 + routing 2·4·6 = 48 + combine 2·64·2 = 256 + dequantize
       # 2 experts × 256·64 weights × 2 = 65,536 → 131,632. Reads half of each expert tensor:
       # 8,192 + 1,024 + 8,192 + 512 = 17,920 + x 512 + router 32 = 18,464
       macs=32_768, flops=131_632, bytes_read=18_464, why="int4 experts, top-1 of 4"),
    ms("MoEPacked", [In("x", (1, 64), "float16"), In("router", (1, 8)),
                     W("gate", (8, 32, 36), "uint8"), W("up", (8, 32, 36), "uint8"),
                     W("down", (8, 64, 18), "uint8")],
       attrs={"k": 2, "gate_type": 2, "up_type": 2, "down_type": 2},
       # I = 32, H = 64, one token, top-2: MACs = 2·64·32·3 = 12,288; FLOPs = 24,576 + SwiGLU
       # 2·32·7 = 448 + routing 8·7 + renormalize 4 = 60 + combine 256 + dequantize
       # 2 experts · 64·32·3 · 2 = 24,576 → 49,916
       macs=12_288, flops=49_916, status="estimated", why="packed SwiGLU experts"),
    ms("MoEGroupRouter", [In("logits", (4, 16)), W("bias", (16,))], attrs={"top_k": 4},
       # 4 rows × 16 experts × (sigmoid 4 + bias 1) = 320; selection 4·(16·(2 + 4) + 1 + 2·4)
       # = 420 → 740
       macs=0, flops=740, bytes_written=4 * 16 * 4, why="sigmoid group router, top-4"),
    ms("RouterGateUpProj", [In("x", (2, 64), "float16"), W("w", (64, 72), "float16")],
       attrs={"router_size": 8}, outputs=2,
       # N = 8 router + 2·32: MACs = 2·64·72 = 9,216; FLOPs = 18,432 + SwiGLU 2·32·7 = 448;
       # writes router (2, 8) and activated (2, 32) in fp16 = 160 bytes
       macs=9_216, flops=18_880, bytes_written=160, why="router logits + shared-expert SwiGLU"),
    ms("SwiGLU", [In("g", (2, 16)), In("u", (2, 16))],
       # 32 outputs × 7 (α·G, sigmoid 4, ·G, ·L)
       macs=0, flops=224, why="contrib SwiGLU, separate halves"),
    ms("SwiGLU", [In("gu", (2, 32))], attrs={"limit": 7.0},
       # halves of one projection: out (2, 16) = 32 × (7 + 3 clamps)
       macs=0, flops=320, bytes_written=128, why="contrib SwiGLU, packed halves, clamped"),
    ms("ScaledSiLU", [In("x", (3, 10))],
       # 30 × (scale, sigmoid 4, multiply)
       macs=0, flops=180, why="scaled SiLU"),
]

ATTENTION_CASES = [
    ms("DecoderAttention", [In("q", (4, 2, 64)), In("k", (4, 2, 64)), W("wq", (64, 64)),
                            W("wkv", (64, 128)), W("b", (192,)), None, None, None,
                            s("static", False, "bool"), s("past", False, "bool"),
                            s("state", False, "bool"), s("has_mask", False, "bool")],
       attrs={"num_heads": 4}, outputs=3,
       # self attention, no cache: S = T = 4, B = 2, D = 64, hd = 16; MACs = 4·2·64·64 = 32,768
       # + K, V of the 4 new tokens 4·2·64·128 = 65,536 + 8·4·4·32 = 4,096 → 102,400;
       # FLOPs = 204,800 + bias 512 + 1,024 + 128 scores × 6 = 768 → 207,104. Writes the
       # output (2,048 B) and both caches (2, 4, 4, 16) (4,096 B)
       macs=102_400, flops=207_104, bytes_written=6_144, why="BART self attention, no cache"),
    ms("DecoderAttention", [In("q", (4, 2, 64)), In("k", (10, 2, 64)), W("wq", (64, 64)),
                            W("wkv", (64, 128)), W("b", (192,)), None, In("kc", (2, 4, 10, 16)),
                            In("vc", (2, 4, 10, 16)), s("static", True, "bool"),
                            s("past", True, "bool"), s("state", True, "bool"),
                            s("has_mask", False, "bool")],
       attrs={"num_heads": 4}, outputs=3,
       # cross attention from the cache: Q only 32,768 + 8·4·10·32 = 10,240 → 43,008;
       # FLOPs = 86,016 + bias 512 + 320 scores × 6 = 1,920 → 88,448
       macs=43_008, flops=88_448, why="BART cross attention from cache"),
    ms("DecoderMaskedSelfAttention", [In("x", (2, 1, 64)), W("w", (64, 192)), W("b", (192,)), None,
                                      In("past", (2, 2, 4, 15, 16)), None, s("plen", 15, "int32")],
       attrs={"num_heads": 4}, outputs=2,
       # T = 15 + 1; MACs = 2·64·192 = 24,576 + 8·16·32 = 4,096 → 28,672;
       # FLOPs = 57,344 + bias 384 + 128 scores × 6 = 768 → 58,496; present (2, 2, 4, 16, 16)
       macs=28_672, flops=58_496, bytes_written=2 * 64 * 4 + 2 * 2 * 4 * 16 * 16 * 4,
       why="GPT decode step, 15 past tokens"),
    ms("DecoderMaskedSelfAttention", [In("x", (2, 1, 64)), W("w", (64, 192)), W("b", (192,)), None,
                                      In("past", (2, 2, 4, 32, 16)), None, s("plen", 15, "int32")],
       attrs={"num_heads": 4, "past_present_share_buffer": 1}, outputs=2,
       # shared buffer of 32, true past 15 (folded): same work; present keeps (2, 2, 4, 32, 16)
       macs=28_672, flops=58_496, bytes_written=2 * 64 * 4 + 2 * 2 * 4 * 32 * 16 * 4,
       why="GPT decode step, shared KV buffer"),
    ms("LongformerAttention", [In("x", (1, 16, 32)), W("w", (32, 96)), W("b", (96,)),
                               In("mask", (1, 16)), W("gw", (32, 96)), W("gb", (96,)),
                               s("g", [[1] + [0] * 15], "int32")],
       attrs={"num_heads": 2, "window": 2},
       # local and global QKV 2·16·32·96 = 98,304; scores 2·16·5 local + 2·2·1·16 global = 224,
       # × 2·16 = 7,168 → 105,472 MACs; FLOPs = 210,944 + 224 × 7 + bias 2·16·96 = 215,584
       macs=105_472, flops=215_584, status="estimated", why="Longformer window 2, 1 global"),
    ms("RelativePositionBias", [W("table", (32, 8)), In("ql", (), "int64"), In("kl", (), "int64")],
       attrs={"max_distance": 128, "is_bidirectional": 1}, out_shapes=[((1, 8, 16, 16), "float32")],
       # 16·16 pairs × 10 bucket FLOPs; writes (1, 8, 16, 16)
       macs=0, flops=2_560, bytes_written=8_192, why="T5 bias, 16×16"),
    ms("GatedRelativePositionBias", [In("q", (2, 8, 64)), W("qb", (64,)), In("rel", (1, 4, 8, 8)),
                                     W("w", (16, 8)), W("b", (8,)), W("eco", (1, 4, 1, 1))],
       attrs={"num_heads": 4},
       # 16 tokens, 4 heads of 16, D = 8: MACs = 16·4·16·8 = 8,192; per token 64 bias + 4·8
       # linear bias + 4·4 pair sums + 4·(2 sigmoids + 4) = 160 → 2,560; + 2·4·8·8 = 512
       # products with rel_pos → 16,384 + 2,560 + 512
       macs=8_192, flops=19_456, bytes_written=2_048, why="DeBERTa-style gated bias"),
]

PAGED = [In("kc", (16, 16, 2, 64), "float16"), In("vc", (16, 16, 2, 64), "float16"),
         In("cu", (3,), "int32"), In("past", (2,), "int32"), In("table", (2, 4), "int32")]

SERVING_CASES = [
    ms("PagedAttention", [In("q", (8, 512), "float16"), In("k", (8, 128), "float16"),
                          In("v", (8, 128), "float16"), *PAGED],
       attrs={"num_heads": 8, "kv_num_heads": 2}, outputs=3,
       # 8 tokens, hd = 512/8 = 64; 2 sequences × 4 blocks of 16: T ≤ 64 keys;
       # scores 8·8·64 = 4,096; MACs = 4,096·128 = 524,288; FLOPs = 1,048,576 + 4,096 × 7
       # (scale, softmax, causal). Reads q, k, v 12,288 + metadata 52 + both caches' readable
       # rows 2·64 × 2·64 fp16 = 32,768 each → 77,876; writes output 8,192 + 8 new rows
       # of 2·64 fp16 into each cache (2,048 each) → 12,288
       macs=524_288, flops=1_077_248, bytes_read=77_876, bytes_written=12_288, status="estimated",
       why="paged prefill, 2 sequences, GQA 8/2"),
    ms("PagedAttention", [In("q", (2, 512), "float16"), In("k", (2, 128), "float16"),
                          In("v", (2, 128), "float16"), *PAGED],
       attrs={"num_heads": 8, "kv_num_heads": 2, "local_window_size": 31}, outputs=3,
       # decode, one token per sequence, window 31 + 1 = 32 keys: scores 2·8·32 = 512;
       # MACs = 65,536; FLOPs = 131,072 + 512 × 7
       macs=65_536, flops=134_656, status="estimated", why="paged decode, sliding window 32"),
    ms("SparsePagedAttention", [In("q", (4, 512), "float16"), In("k", (4, 128), "float16"),
                                In("v", (4, 128), "float16"), *PAGED, None,
                                In("sel", (4, 32), "int32"), In("cnt", (4,), "int32")],
       attrs={"num_heads": 8, "kv_num_heads": 2}, outputs=3,
       # 32 selected keys per query: scores 4·8·32 = 1,024; MACs = 1,024·128 = 131,072;
       # FLOPs = 262,144 + 1,024 × 7 = 269,312
       macs=131_072, flops=269_312, status="estimated", why="selected-only paged attention"),
    ms("DynamicSparseAttention",
       [In("q", (1, 4, 512), "float16"), In("k", (1, 4, 128), "float16"),
        In("v", (1, 4, 128), "float16"), In("pk", (1, 2, 60, 64), "float16"),
        In("pv", (1, 2, 60, 64), "float16"), None, None, In("sel", (4, 16), "int32"),
        In("cnt", (4,), "int32"), In("seqlens", (1,), "int32"), s("total", 64, "int32")],
       attrs={"num_heads": 8, "kv_num_heads": 2}, outputs=3,
       # 16 selected keys: scores 8·4·16 = 512; MACs = 512·128 = 65,536; FLOPs = 131,072 +
       # 512 × 7; present K, V (1, 2, 64, 64) fp16 = 16,384 B each + output 4,096 B
       macs=65_536, flops=134_656, bytes_written=36_864, status="estimated",
       why="selected-only contiguous-cache attention"),
    ms("SparseAttentionIndexer",
       [In("q", (1, 4, 256)), In("k", (1, 4, 64)), W("qn", (64,)), W("kn", (64,)),
        W("cos", (128, 32)), W("sin", (128, 32)), None, In("pk", (1, 60, 64))],
       attrs={"policy_mode": "qsa", "compress_ratio": 4, "token_budget": 16}, outputs=2,
       # H = 256/64 = 4; (60 + 4)/4 = 16 blocks scored per query; capacity 16 + 3 = 19
       # (⌈log2⌉ = 5). MACs = 4·16·4·64 = 16,384; FLOPs = 32,768 + 4·16·(2·4 + 5) = 832
       # + queries 4·4·(7·64 + 4) = 7,232 + pooling 64·64 = 4,096 + block keys
       # 16·(7·64 + 4) = 7,232 → 52,160
       macs=16_384, flops=52_160, status="estimated", why="qsa token indexer"),
    ms("PackedSparseAttentionIndexer",
       [In("q", (6, 256)), In("k", (6, 64)), W("qn", (64,)), W("kn", (64,)), W("cos", (128, 32)),
        W("sin", (128, 32)), In("cu", (3,), "int32"), In("past", (2,), "int32"), None, None, None,
        None, In("state", (2, 32, 64)), In("buf", (2, 7, 64)), None, In("lens", (2, 2), "int32")],
       attrs={"policy_mode": "qsa", "compress_ratio": 4, "token_budget": 16, "state_capacity": 32},
       outputs=6,
       # 6 packed queries × ≤ 32 entries: MACs = 6·32·4·64 = 49,152; FLOPs = 98,304 +
       # 6·32·13 = 2,496 + queries 6·1,808 = 10,848 → 111,648
       macs=49_152, flops=111_648, status="estimated", why="packed qsa indexer"),
    ms("PackedSparseAttentionIndexerMerge",
       [In("base", (8, 16), "int32"), In("bc", (8,), "int32"), In("rows", (10,), "int32"),
        In("rs", (10,), "int32"), In("re", (10,), "int32")],
       attrs={"max_output_entries": 32, "policy_mode": "append_range"}, outputs=3,
       # 10 queries × (16 base + 32 range slots) × 2; writes (10, 32) + 2 × (10,) int32
       macs=0, flops=960, bytes_written=1_360, status="estimated", why="merge base + range"),
]

RECURRENT_CASES = [
    ms("GatedDeltaNet", [In("q", (8, 2, 16)), In("k", (8, 2, 16)), In("v", (8, 4, 32)), None,
                         In("decay", (8, 4)), In("beta", (8, 4)), In("s0", (1, 4, 32, 16))],
       outputs=2,
       # 8 tokens, 2 q/k heads of 16, 4 value heads of 32 (inverse GQA); state 4·16·32 = 2,048:
       # MACs/token = 2,048 (k ⊗ Δ) + 2,048 (Sᵀk) + 4·16·32 readout = 6,144 → 49,152;
       # FLOPs/token beside: scale 128 + decay 2,048 + Δ 256 = 2,432 → 19,456; exp of 32
       # decays → 98,304 + 19,456 + 32 = 117,792
       macs=49_152, flops=117_792, bytes_written=8 * 4 * 32 * 4 + 4 * 32 * 16 * 4,
       why="gated delta rule, 8 packed tokens"),
    ms("GatedDeltaNet", [In("q", (8, 2, 16)), In("k", (8, 2, 16)), In("v", (8, 4, 32)), None,
                         In("decay", (8, 4)), In("beta", (8, 4)), In("s0", (1, 4, 32, 16)),
                         W("alog", (4,)), W("dtb", (4,))],
       attrs={"gate_activation": "softplus", "beta_activation": "sigmoid", "qk_l2_norm": 1},
       outputs=2,
       # as above + softplus gate 32 × 5 + beta sigmoid 32 × 4 + L2 norms 8·2·2·(3·16 + 2) = 1,600
       macs=49_152, flops=119_680, why="Qwen3.5 gates fused"),
    ms("LinearAttention", [In("q", (2, 10, 64)), In("k", (2, 10, 64)), In("v", (2, 10, 128)), None,
                           In("decay", (2, 10, 4)), In("beta", (2, 10, 4))],
       attrs={"q_num_heads": 4, "kv_num_heads": 4}, outputs=2,
       # the opset-27 LinearAttention case: 122,880 MACs, 294,480 FLOPs; state (2, 4, 16, 32)
       macs=122_880, flops=294_480, bytes_written=2 * 10 * 128 * 4 + 2 * 4 * 16 * 32 * 4,
       why="contrib gated delta rule, 4 heads"),
    ms("LinearAttention", [In("q", (1, 5, 16)), In("k", (1, 5, 32)), In("v", (1, 5, 16))],
       attrs={"q_num_heads": 1, "kv_num_heads": 2, "update_rule": "linear"}, outputs=2,
       # inverse GQA: dk = 16, dv = 8, 2 kv heads: state 256 + readout 2·16·8 = 256 per token
       # → 2,560 MACs; scale 2·8 per token = 80; output (1, 5, 16)
       macs=2_560, flops=5_200, bytes_written=5 * 16 * 4 + 2 * 16 * 8 * 4, why="linear rule, inverse GQA"),
    ms("LinearAttentionGate", [In("a", (2, 10, 4)), W("dtb", (4,)), W("scale", (4,)),
                               In("b", (2, 10, 4))], outputs=2,
       # 80 × 5 (bias, softplus, scale) + 80 × 4 (sigmoid)
       macs=0, flops=720, why="decay and beta gates"),
    ms("CausalConvWithState", [In("x", (2, 64, 10)), W("w", (64, 1, 4)), W("b", (64,)),
                               In("past", (2, 64, 3))], attrs={"activation": "silu"}, outputs=2,
       # 1,280 outputs × 4 taps = 5,120 MACs; FLOPs = 10,240 + 1,280·(bias + SiLU 5);
       # writes output 5,120 B + state (2, 64, 3) 1,536 B
       macs=5_120, flops=17_920, bytes_written=6_656, why="contrib causal conv k=4 + SiLU"),
    ms("CausalConvWithState", [In("x", (1, 10, 4, 16)), W("w", (64, 1, 4))],
       attrs={"channels_last": 1}, outputs=2,
       # channels last, 4·16 = 64 channels × 10 positions × 4 taps; state (1, 3, 4, 16)
       macs=2_560, flops=5_120, bytes_written=640 * 4 + 192 * 4, why="causal conv, channels last"),
    ms("VarlenCausalConvWithState", [In("x", (12, 32)), W("w", (32, 1, 4)), In("cu", (3,), "int32"),
                                     None, In("s0", (2, 32, 3))], outputs=2,
       # 12 packed tokens × 32 channels × 4 taps
       macs=1_536, flops=3_072, bytes_written=(12 * 32 + 2 * 32 * 3) * 4, why="varlen causal conv"),
    ms("Mamba2Verify", [In("proj", (3, 42)), In("conv", (4, 24, 3)), In("ssm", (4, 2, 4, 8)),
                        W("cw", (24, 4)), W("cb", (24,)), W("dtb", (2,)), W("a", (2,)), W("d", (2,)),
                        W("nw", (16,)), In("row", (1,), "int32")],
       attrs={"heads": 2, "head_dim": 8, "d_state": 4, "n_groups": 1}, outputs=3,
       # di = 16, conv channels 16 + 2·4 = 24, state 2·4·8 = 64; MACs/token = 4·24 + 2·64 = 224
       # → 672; per token: conv bias + SiLU 24·6 = 144, dt and exp(A·dt) 2·7 = 14, decay 64,
       # dt·x 16, D·x + readout 32, SiLU(gate)·y + RMS 16·10 + 4 = 164 → 434 × 3 = 1,302;
       # FLOPs = 1,344 + 1,302. Reads one slot of each state (288 + 256) + projection 504 +
       # weights 568 + row 4 = 1,620; writes 3 slots of each (1,632) + Y 192 = 1,824
       macs=672, flops=2_646, bytes_read=1_620, bytes_written=1_824, why="Mamba2 verify, 3 tokens"),
    ms("GatedDeltaNetStateReplay", [In("src", (1000,)), In("caps", (500,)), In("dst", (1000,)),
                                    s("meta", [0, 0, 0, 8, 40, 2, 4, 2, 1, 4, 3], "int64")],
       # Hv 2, Dv 4, Dk 2: 16 state elements × 3 kept transitions = 48 MACs, + 48 decay
       # multiplies → 144 FLOPs; reads 16 + 3·(2 decay + 2 key + 8 delta) = 52 floats + 88 B
       # metadata = 296; writes 16 floats
       macs=48, flops=144, bytes_read=296, bytes_written=64, why="replay 3 transitions"),
    ms("ConvStateReplay", [In("src", (600,)), In("cap", (400,)), In("dst", (600,)),
                           s("meta", [0, 0, 0, 2, 8, 3, 4, 2], "int64")],
       # copies 2·8·3 = 48 floats (192 B); + 64 B metadata read
       macs=0, flops=0, bytes_read=256, bytes_written=192, status="zero", why="conv history replay"),
    ms("AttnLSTM", [In("x", (5, 2, 8)), W("w", (1, 64, 20)), W("r", (1, 64, 16)), None, None, None,
                    None, None, W("qw", (1, 16, 10)), W("mw", (1, 12, 10)), W("v", (1, 10)),
                    In("m", (2, 6, 12))],
       attrs={"hidden_size": 16}, outputs=3,
       # H 16, memory 6 × 12, attention 10; per step and batch row: W·[x, attn] 1,280 +
       # R·h 1,024 + query 160 + scores 60 + context 72 = 2,596; memory layer 2·6·12·10 =
       # 1,440 once → MACs = 1,440 + 5·2·2,596 = 27,400; FLOPs = 54,800 + 10 × (16 units ×
       # (3 sigmoid 12 + 2 tanh + 4 state) + 6 memory slots × 7) = 3,300
       macs=27_400, flops=58_100, status="estimated", why="attention-wrapped LSTM"),
]

LLM_CASES = [
    ms("GatedRMSNorm", [In("x", (2, 4, 64)), W("g", (16,)), In("z", (2, 4, 64))],
       # groups of C = 16: 512 elements, 32 rows; RMS 512·4 + 32·4 = 2,176 + SiLU gate and
       # product 512·6 = 3,072
       macs=0, flops=5_248, why="per-head gated RMSNorm, SiLU gate"),
    ms("BranchwiseRMSNorm", [In("x", (2, 3, 16)), W("g", (16,))],
       # 3 branches of 16 per row: 96·4 + 6 rows·4
       macs=0, flops=408, why="grouped branches, scaled"),
    ms("BranchwiseRMSNorm", [In("x", (2, 48))], attrs={"num_branches": 3},
       # flattened, no scale: 96·3 + 24
       macs=0, flops=312, why="flattened branches, unscaled"),
    ms("RMSNormRotary", [In("x", (1, 4, 8, 80), "bfloat16"), W("g", (64,)),
                         In("pos", (1, 4), "int64"), W("cos", (64, 16)), W("sin", (64, 16))],
       attrs={"rotary_embedding_dim": 32, "input_width": 64},
       # 32 head rows × 64 normalized: 2,048·4 + 32·4 = 8,320 + RoPE 32·32·3 = 3,072;
       # writes (1, 4, 512) bf16
       macs=0, flops=11_392, bytes_written=4_096, why="QK norm + partial RoPE, bf16"),
    ms("MRotaryEmbedding", [In("x", (1, 8, 32, 64)), In("pos", (3, 1, 32), "int64"),
                            W("cos", (128, 32)), W("sin", (128, 32))],
       attrs={"mrope_section": [16, 8, 8]},
       # whole heads rotated: 16,384 × 3
       macs=0, flops=49_152, why="Qwen2-VL M-RoPE"),
    ms("GemmaRotaryEmbedding", [In("emb", (1, 16, 64)), In("q", (1, 4, 16, 64), "float16"),
                                In("qr", (1, 4, 16, 64), "float16"), In("k", (1, 2, 16, 64), "float16"),
                                In("kr", (1, 2, 16, 64), "float16")], outputs=2,
       # sin, cos of 1,024 = 2,048 + 3·(4,096 + 2,048) = 18,432; writes q and k fp16
       macs=0, flops=20_480, bytes_written=12_288, why="Gemma RoPE"),
    ms("GatedAdd", [In("x", (2, 8, 32)), In("y", (2, 8, 32)), In("g", (2, 8, 1))],
       # 512 × (multiply by gate, add)
       macs=0, flops=1_024, why="row-gated add"),
    ms("GatedAdd", [In("x", (2, 8, 32), "bfloat16"), In("y", (2, 8, 32), "bfloat16"),
                    In("g", (2, 8, 16), "bfloat16"), In("gw", (16, 1), "bfloat16")],
       # projected gate: 16 rows × 16 MACs = 256; FLOPs = 512 + sigmoid 16·4 + 1,024
       macs=256, flops=1_600, why="projected sigmoid gate"),
    ms("HyperConnectionPreMix", [In("s", (2, 5, 4, 32)), In("m", (2, 5, 4))],
       # 10 rows × 4 branches × 32: 1,280 MACs; out (2, 5, 32)
       macs=1_280, flops=2_560, bytes_written=1_280, why="pre-mix 4 streams"),
    ms("HyperConnectionPreMix", [In("s", (2, 5, 4, 32)), In("m", (2, 5, 4))],
       attrs={"reduction_scale": 0.5},
       # + 320 scalings
       macs=1_280, flops=2_880, why="pre-mix with reduction scale"),
    ms("HyperConnectionPostMix", [In("s", (2, 5, 128)), In("o", (2, 5, 32)), In("p", (2, 5, 4)),
                                  In("m", (2, 5, 4, 4))], attrs={"num_branches": 4},
       # 10 rows × 4 × 32 × (1 injection + 4 mixed streams) = 6,400 MACs
       macs=6_400, flops=12_800, bytes_written=5_120, why="post-mix with stream matrix"),
    ms("HyperConnectionLowRankMix", [In("s", (1, 3, 128)), W("ns", (128,)), W("down", (128, 8)),
                                     W("up", (8, 128)), W("inj", (128, 4))],
       attrs={"num_branches": 4}, outputs=2,
       # C = 4, H = 32, R = 8; MACs/row = 128·(16 + 1 + 4) = 2,688 → 8,064; per row RMS
       # 512 + 16, ScaledSiLU 48, sigmoid 512, post gate 24, scale 32 = 1,144 → 3,432
       macs=8_064, flops=19_560, bytes_written=432, why="low-rank hyper-connection block"),
    ms("EngramGate", [In("k", (1, 4, 2, 32)), In("q", (1, 4, 2, 32)), In("v", (1, 4, 32)),
                      W("kn", (2, 32)), W("qn", (2, 32))],
       # 256 elements, 8 rows: dot 256 MACs; FLOPs = 512 + 2 RMS (1,024 + 32) + 8 × 10 + 256
       macs=256, flops=2_960, why="Engram gate"),
    ms("NGramHashMapping", [In("ids", (2, 16), "int64"), W("mul", (3,), "int64"), W("voc", (4,), "int64")],
       attrs={"max_ngram_size": 3, "n_head_per_ngram": 2, "pad_id": 0}, outputs=2,
       # 32 tokens × (3 multiplies + 2 xors + 2·2 modulos); writes (2, 16, 4) + (2, 2) int64
       macs=0, flops=288, bytes_written=1_056, why="2- and 3-gram hashes, 2 heads"),
    ms("VarlenNGramHashMapping", [In("ids", (20,), "int32"), W("mul", (3,), "int32"),
                                  W("voc", (4,), "int32"), In("cu", (3,), "int32")],
       attrs={"max_ngram_size": 3, "n_head_per_ngram": 2, "pad_id": 0}, outputs=2,
       # 20 packed tokens × 9; writes (20, 4) + (2, 2) int32
       macs=0, flops=180, bytes_written=336, why="packed n-gram hashes"),
    ms("NGramRepeatBlock", [In("ids", (2, 10), "int64"), In("scores", (2, 100))],
       attrs={"ngram_size": 3},
       # 2 rows × 8 earlier 3-grams × 2 compares; scores copied (800 B)
       macs=0, flops=32, bytes_written=800, why="no-repeat 3-grams"),
    ms("BifurcationDetector", [In("src", (50,), "int64"), In("cur", (10,), "int64"),
                               In("prev", (), "int64"), In("pred", (8,), "int64")], outputs=2,
       # 8 predicted compares + 50·(1 + 2 + 3) suffix n-gram compares
       macs=0, flops=308, status="estimated", why="aggressive-decoding bifurcation"),
    ms("SpeculativePrefixCommit", [In("nt", (2, 8), "int64"), In("ids", (2, 8), "int64"),
                                   In("st", (4,), "int32"), In("ctl", (2, 16), "int64"),
                                   In("ctx", (2, 2), "int64"), In("pre", (2, 16), "int64"),
                                   In("ptrs", (2,), "int64")], outputs=3,
       # 2 × 8 draft compares; writes head_c (2,) int32 + ctl 256 B + ctx 32 B
       macs=0, flops=16, bytes_written=296, why="commit accepted prefix"),
]

MATMUL_CASES = [
    ms("FusedMatMulActivation", [In("a", (2, 16, 32)), W("b", (32, 24))], attrs={"activation": "Relu"},
       # MACs = 2·16·32·24 = 24,576; FLOPs = 49,152 + 768 outputs × 1 (relu)
       macs=24_576, flops=49_920, bytes_written=768 * 4, why="MatMul + Relu"),
    ms("GemmFloat8", [In("a", (16, 64), "float8e4m3fn"), In("b", (32, 64), "float8e4m3fn"), None,
                      s("sa", 0.5), s("sb", 0.5), s("sy", 1.0)],
       attrs={"transB": 1, "dtype": T.FLOAT8E4M3FN},
       # MACs = 16·64·32 = 32,768 in float8; FLOPs = 65,536 + 512 outputs × (scales 1 +
       # quantize to fp8 4) = 2,560; fp8 output 512 B
       macs=32_768, flops=68_096, bytes_written=512, why="fp8 GEMM, fp8 output"),
    ms("GemmFloat8", [In("a", (8, 32), "float16"), W("b", (32, 16), "float16"), W("c", (16,), "float16")],
       attrs={"beta": 1.0, "activation": "GELU", "dtype": T.FLOAT16},
       # MACs = 4,096; FLOPs = 8,192 + 128 × (C add 1 + GELU 5)
       macs=4_096, flops=8_960, why="fp16 GEMM + bias + GELU"),
    ms("MatMulInteger16", [In("a", (4, 32), "int16"), W("b", (32, 8), "int16")],
       # 4·32·8 = 1,024 int16 MACs; int32 output 128 B
       macs=1_024, flops=2_048, bytes_written=128, why="int16 MatMul"),
    ms("SparseToDenseMatMul", [W("a", (16, 32)), In("b", (32, 8))],
       # sparse A counted dense: 16·32·8 = 4,096 MACs (upper bound)
       macs=4_096, flops=8_192, status="estimated", why="sparse × dense, dense bound"),
    ms("MatMulFpQ4", [In("a", (1, 64)), W("blob", (1_152,), "uint8"), s("shape", [64, 32], "int64")],
       # MACs = 64·32 = 2,048; FLOPs = 4,096 + dequantize 2·64·32 = 4,096
       macs=2_048, flops=8_192, bytes_written=128, why="prepacked int4 MatMul"),
    ms("MatMulBlockQuantizedFp4Weight", [In("a", (2, 64), "float16"), W("b", (32, 32), "uint8"),
                                         W("ws", (32, 4), "uint8"), s("ws2", 1.0)],
       # N = 32, K = 2·32 = 64: MACs = 2·64·32 = 4,096; FLOPs = 8,192 + 2·32·64 = 4,096
       macs=4_096, flops=12_288, bytes_written=128, why="NVFP4 weight-only"),
    ms("MatMulBlockQuantizedFp8Weight", [In("a", (2, 64), "float16"), In("b", (32, 64), "float8e4m3fn"),
                                         W("bs", (32, 1)), s("as", 0.5)],
       # MACs 4,096; FLOPs = 8,192 + weight scales 32·64 = 2,048 + A to fp8 2·64·5 = 640
       macs=4_096, flops=10_880, why="FP8 block weights, W8A8"),
    ms("MatMulPacked", [In("a", (4, 64), "bfloat16"), W("b", (32, 40), "uint8")],
       attrs={"N": 32, "K": 64, "packed_type": 1},
       # MACs = 4·64·32 = 8,192; FLOPs = 16,384 + dequantize 2·32·64 = 4,096
       macs=8_192, flops=20_480, status="estimated", why="packed-format MatMul"),
    ms("GatherPacked", [W("data", (100, 40), "uint8"), In("i", (2, 3), "int64")],
       attrs={"K": 64, "packed_type": 1},
       # 6 rows × 64 values × 2 dequantize = 768; reads 6·40 B + 48 B indices; writes bf16
       macs=0, flops=768, bytes_read=288, bytes_written=768, status="estimated",
       why="packed embedding gather"),
    ms("MatMulNBitsMlp", [In("a", (1, 64)), None, W("ns", (64,)), W("gb", (128, 2, 16), "uint8"),
                          W("gs", (128, 2)), None, W("ub", (128, 2, 16), "uint8"), W("us", (128, 2))],
       attrs={"K": 64, "N": 128, "block_size": 32, "activation": "silu"},
       # gate and up 64 → 128: MACs = 64·256 = 16,384; FLOPs = 32,768 + dequantize 2·2·128·64
       # = 32,768 + 128 × (SiLU 5 + product 1) = 768 + RMSNorm 64·4 + 4 = 260 → 66,564
       macs=16_384, flops=66_564, bytes_written=512, why="RMSNorm + 4-bit gate/up MLP"),
    ms("MatMulNBitsQkv", [In("a", (2, 64)), None, W("ns", (64,)), W("qb", (64, 2, 16), "uint8"),
                          W("qs", (64, 2)), None, W("kb", (32, 2, 16), "uint8"), W("ks", (32, 2)), None,
                          W("vb", (32, 2, 16), "uint8"), W("vs", (32, 2))],
       attrs={"K": 64, "Nq": 64, "Nkv": 32, "block_size": 32}, outputs=3,
       # 64 + 2·32 = 128 columns: MACs = 2·64·128 = 16,384; FLOPs = 32,768 + dequantize
       # 2·64·128 = 16,384 + RMSNorm 2·64·4 + 2·4 = 520
       macs=16_384, flops=49_672, bytes_written=1_024, why="RMSNorm + 4-bit QKV"),
    ms("MatMulNBitsQLoRA", [In("x", (1, 64)), W("w", (32, 2, 16), "uint8"), W("s", (32, 2)),
                            W("la", (8, 2, 32), "uint8"), W("las", (8, 2)), W("lb", (32, 1, 32), "uint8"),
                            W("lbs", (32, 1))],
       attrs={"K": 64, "N": 32},
       # base 32·64 = 2,048 + down 8·64 = 512 + up 32·8 = 256 → 2,816 MACs; FLOPs = 5,632 +
       # dequantize 2·2,816 + final add 32
       macs=2_816, flops=11_296, why="4-bit base + int8 rank-8 adapter"),
]

ORDERS = {"order_A": 1, "order_B": 0, "order_Y": 1}
QKV_ORDERS = {"order_input": 1, "order_weight": 0, "order_output": 1}
LONGFORMER_ORDERS = {**QKV_ORDERS, "order_global_weight": 0}

ORDERED_CASES = [
    ms("QOrderedMatMul", [In("a", (2, 8, 32), "int8"), s("sa", 0.1), W("b", (32, 16), "int8"),
                          s("sb", 0.1), s("sy", 0.2), W("bias", (16,))], attrs=ORDERS,
       # MACs = 2·8·32·16 = 8,192 (int8); FLOPs = 16,384 + 256 × (5 requantize + 1 bias)
       macs=8_192, flops=17_920, bytes_written=256, why="int8 cublasLt MatMul + bias"),
    ms("QOrderedAttention", [In("x", (1, 16, 64), "int8"), s("sx", 0.1), s("sq", 0.1), s("sk", 0.1),
                             s("sv", 0.1), W("wq", (64, 64), "int8"), W("wk", (64, 64), "int8"),
                             W("wv", (64, 64), "int8"), s("swq", 0.1), s("swk", 0.1), s("swv", 0.1),
                             W("bq", (64,)), W("bk", (64,)), W("bv", (64,)), s("sqk", 0.1),
                             s("ssm", 0.1), s("sout", 0.1)],
       attrs={"num_heads": 4, **QKV_ORDERS},
       # projections 16·64·192 = 196,608 + scores and context 4·16·16·32 = 32,768 → 229,376
       # int8 MACs; FLOPs = 458,752 + 1,024 scores × 6 + QKV bias and requantize 16·192·6 =
       # 18,432 + scores requantize and softmax to int8 1,024·9 = 9,216 + context 16·64·5
       # = 5,120 → 497,664
       macs=229_376, flops=497_664, bytes_written=1_024, why="int8 BERT attention, COL32"),
    ms("QOrderedLongformerAttention",
       [In("x", (1, 16, 32), "int8"), s("sx", 0.1), W("w", (32, 96), "int8"), s("sw", 0.1), W("b", (96,)),
        s("sb", 0.1), s("sqkv", 0.1), In("mask", (1, 16), "float16"), W("gw", (32, 96), "int8"),
        s("sgw", 0.1), W("gb", (96,)), s("sg", 0.1), s("g", [[1] + [0] * 15], "int32"), s("so", 0.1)],
       attrs={"num_heads": 2, "window": 2, **LONGFORMER_ORDERS},
       # as the LongformerAttention case: 98,304 + 7,168 MACs, 224 scores; + biases and QKV
       # requantize 2·16·96·6 = 18,432 + dequantize, quantize the output 16·32·5 = 2,560
       macs=105_472, flops=233_504, status="estimated", why="int8 Longformer, 1 global"),
    ms("QOrderedGelu", [In("x", (4, 64), "int8"), s("sx", 0.1), s("sy", 0.1)],
       # 256 × (dequantize 1 + GELU 5 + quantize 4)
       macs=0, flops=2_560, bytes_written=256, why="int8 GELU"),
    ms("QOrderedLayerNormalization", [In("x", (2, 8, 64), "int8"), s("sx", 0.1), W("g", (64,)),
                                      W("b", (64,)), s("sy", 0.1)],
       # 1,024 × (1 + 5 + 2 + 4) + 5·16 rows
       macs=0, flops=12_368, why="int8 LayerNorm"),
    ms("QuantizeWithOrder", [In("x", (2, 32, 64)), s("s", 0.1)],
       attrs={"order_input": 1, "order_output": 2},
       # 4,096 × 4; int8 output
       macs=0, flops=16_384, bytes_written=4_096, why="quantize to COL32"),
    ms("DequantizeWithOrder", [In("x", (2, 32, 64), "int8"), s("s", 0.1)],
       attrs={"order_input": 2, "order_output": 1, "to": T.FLOAT},
       # 4,096 × 1; float output
       macs=0, flops=4_096, bytes_written=16_384, why="dequantize from COL32"),
    ms("QuantizeBFP", [In("x", (4, 64))], attrs={"bfp_type": 1}, outputs=3,
       # 256 × 5
       macs=0, flops=1_280, status="estimated", why="to block floating point"),
    ms("DequantizeBFP", [In("x", (300,), "uint8"), s("shape", [4, 64], "int64"), s("st", [64, 1], "int64")],
       attrs={"bfp_type": 1},
       # 256 values × 2; float output (4, 64)
       macs=0, flops=512, bytes_written=1_024, status="estimated", why="from block floating point"),
]

def _decoder_body() -> object:
    """A one-token decoder: embedding gather (0 MACs) then logits = h·W, 16·32 = 512 MACs."""
    rng = np.random.default_rng(0)
    nodes = [h.make_node("Gather", ["emb", "step_ids"], ["hidden"]),
             h.make_node("MatMul", ["hidden", "lm_head"], ["logits"])]  # fmt: skip
    weights = [nh.from_array(rng.standard_normal((32, 16)).astype(np.float32), "emb"),
               nh.from_array(rng.standard_normal((16, 32)).astype(np.float32), "lm_head")]  # fmt: skip
    return h.make_graph(nodes, "decoder", [h.make_tensor_value_info("step_ids", T.INT32, [1, 1])],
                        [h.make_tensor_value_info("logits", T.FLOAT, [1, 1, 32])], weights)  # fmt: skip


def _encoder_body() -> object:
    """An encoder: features (1, 8) · W (8, 16) = 128 MACs."""
    weight = nh.from_array(np.ones((8, 16), np.float32), "enc_w")
    node = h.make_node("MatMul", ["feats", "enc_w"], ["enc_out"])
    return h.make_graph([node], "encoder", [h.make_tensor_value_info("feats", T.FLOAT, [1, 8])],
                        [h.make_tensor_value_info("enc_out", T.FLOAT, [1, 16])], [weight])  # fmt: skip


TOKENS = {"eos_token_id": 2, "pad_token_id": 0}

GENERATION_CASES = [
    ms("BeamSearch", [In("ids", (1, 4), "int32"), s("max", [10], "int32"), None, s("beams", [3], "int32"),
                      s("ret", [1], "int32")],
       attrs={"decoder": _decoder_body(), "vocab_size": 32, **TOKENS}, outputs=2,
       # GPT-2 style: 10 − 4 prompt tokens = 6 decoder runs × 3 beams = 18 × 512 MACs = 9,216;
       # FLOPs = 18 × 1,024 + search 6 runs × 3 rows × 32 × (log-softmax 5 + score 1 +
       # top-6 ⌈log2 6⌉ = 3) = 5,184 → 23,616; params: the body's 2 × 512 weights
       macs=9_216, flops=23_616, params=1_024, status="estimated", why="GPT-2 beam search, 3 beams"),
    ms("GreedySearch", [In("ids", (1, 4), "int32"), s("max", [8], "int32")],
       attrs={"decoder": _decoder_body(), "vocab_size": 32, **TOKENS},
       # 8 − 4 = 4 runs: 2,048 MACs; FLOPs = 4,096 + argmax 4 × 32
       macs=2_048, flops=4_224, status="estimated", why="greedy decoding, 4 tokens"),
    ms("Sampling", [In("ids", (1, 4), "int32"), s("max", [6], "int32")],
       attrs={"decoder": _decoder_body(), "vocab_size": 32, **TOKENS},
       # 2 runs: 1,024 MACs; FLOPs = 2,048 + 2 × (softmax 160 + running sum 32 + search 5 +
       # draw 1) = 396 → 2,444
       macs=1_024, flops=2_444, status="estimated", why="sampling, 2 tokens"),
    ms("Sampling", [In("ids", (1, 4), "int32"), s("max", [6], "int32")],
       attrs={"decoder": _decoder_body(), "vocab_size": 32, "top_p": 0.9, **TOKENS},
       # + top-p per run: sort 32·5, running sum, cut: 224 → 2,444 + 448
       macs=1_024, flops=2_892, status="estimated", why="nucleus sampling, 2 tokens"),
    ms("WhisperBeamSearch", [In("audio", (1, 8, 10)), s("max", [5], "int32"), None,
                             s("beams", [2], "int32"), s("ret", [1], "int32"), None, None, None, None, None,
                             In("dec", (1, 3), "int32")],
       attrs={"decoder": _decoder_body(), "encoder": _encoder_body(), "vocab_size": 32, **TOKENS},
       # encoder once 128 MACs; decoder 5 − 3 forced ids = 2 runs × 2 beams × 512 = 2,048;
       # FLOPs = 256 + 4,096 + search 2 runs × 2 rows × 32 × (6 + ⌈log2 4⌉) = 1,024
       macs=2_176, flops=5_376, status="estimated", why="Whisper encoder + beam decoder"),
]

CASES = [*MISC_CASES, *MOE_CASES, *ATTENTION_CASES, *SERVING_CASES, *RECURRENT_CASES, *LLM_CASES,
         *MATMUL_CASES, *ORDERED_CASES, *GENERATION_CASES]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)


def test_generation_runs_and_beams_unknown_are_named_dims_that_dim_binds() -> None:
    case = ms("BeamSearch", [In("ids", (1, 4), "int32"), In("max", (1,), "int32"), None,
                             In("beams", (1,), "int32"), s("ret", [1], "int32")],
              attrs={"decoder": _decoder_body(), **TOKENS}, macs=0, flops=0, why="")
    model = build(case)
    model.graph.node[0].name = "gen"
    # 512 MACs per decoder run × runs × beams; vocabulary unknown: the search is not counted
    report = onnxcost.analyze(model)
    assert to_json(report.totals.macs) == "512*gen_beams*gen_trips"
    assert "vocabulary size unknown" in report.nodes[0].note
    assert onnxcost.analyze(model, dims={"gen_trips": 6, "gen_beams": 3}).totals.macs == 9_216


def test_sparse_initializer_a_is_counted_dense() -> None:
    values = nh.from_array(np.ones(4, np.float32), "a")
    indices = nh.from_array(np.array([[0, i] for i in range(4)], np.int64), "a_idx")
    node = h.make_node("SparseToDenseMatMul", ["a", "b"], ["y"], domain=MS)
    graph = h.make_graph([node], "g", [h.make_tensor_value_info("b", T.FLOAT, [32, 8])],
                         [h.make_empty_tensor_value_info("y")],
                         sparse_initializer=[h.make_sparse_tensor(values, indices, [16, 32])])  # fmt: skip
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", 17), h.make_opsetid(MS, 1)])
    model.ir_version = 8
    (cost,) = onnxcost.analyze(model).nodes
    # (16, 32) sparse × (32, 8): 16·32·8 = 4,096 MACs, an upper bound on nnz·N
    assert (cost.macs, cost.status) == (4_096, "estimated")


def test_moe_reads_min_of_experts_and_picks_over_symbolic_tokens() -> None:
    case = ms("MoE", [In("x", ("tokens", 64)), In("router", ("tokens", 8)), W("fc1", (8, 128, 64)), None,
                      W("fc2", (8, 64, 128))], attrs={"k": 2}, macs=0, flops=0, why="")
    report = onnxcost.analyze(build(case))
    # each expert is 65,536 bytes of weights; x and router 288 bytes per token
    assert to_json(report.nodes[0].bytes_read) == "288*tokens + 65536*Min(8, 2*tokens)"
    assert onnxcost.analyze(build(case), dims={"tokens": 1}).nodes[0].bytes_read == 288 + 2 * 65_536
