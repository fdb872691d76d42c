"""Hand-worked figures for ONNX Runtime's contrib ops (com.microsoft).

ONNX shape inference knows nothing of this domain, so every case also exercises the op's own
shape rule: no case gives output shapes unless the op's output size is data-dependent.
"""

import pytest

from tests.rules.harness import Case, In, W, check

MS = "com.microsoft"
NCHWC = "com.microsoft.nchwc"


def ms(op_type, inputs, **kw) -> Case:
    """A com.microsoft case."""
    return Case(op_type, inputs, domain=MS, **kw)


def s(name, value, dtype="float32") -> W:
    """A scalar initializer (a scale or a zero point)."""
    return W(name, value=value, dtype=dtype)


# Block-sparse layout of the SparseAttention case: 8 block rows, row 0 attends block 0, every
# other row attends its own block and the one before (CSR: 15 non-zeros).
SPARSE_ROWS = [[0, 1, 3, 5, 7, 9, 11, 13, 15]]
SPARSE_COLS = [[0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7]]

CASES = [
    # ------------------------------------------------------------------ fused convolutions
    ms("FusedConv", [In("x", (1, 16, 32, 32)), W("w", (32, 16, 3, 3)), W("b", (32,))],
       attrs={"pads": [1, 1, 1, 1], "activation": "Relu"},
       # out 1·32·32·32 = 32,768; MACs = 32,768·16·9 = 4,718,592;
       # FLOPs = 9,437,184 + 32,768·(1 bias + 1 relu) = 9,502,720
       macs=4_718_592, flops=9_502_720, bytes_written=32_768 * 4,
       why="Conv+bias+Relu 3×3, 16→32, 32²"),
    ms("FusedConv", [In("x", (1, 32, 16, 16)), W("w", (32, 1, 3, 3)), W("b", (32,)),
                     In("z", (1, 32, 16, 16))],
       attrs={"pads": [1, 1, 1, 1], "group": 32, "activation": "Clip",
              "activation_params": [0.0, 6.0]},
       # depthwise: out 8,192; MACs = 8,192·1·9 = 73,728;
       # FLOPs = 147,456 + 8,192·(1 bias + 1 Z add + 2 clip) = 180,224
       macs=73_728, flops=180_224, why="depthwise + residual Z + Clip(0, 6)"),
    ms("NhwcConv", [In("x", (1, 32, 32, 16)), W("w", (32, 16, 3, 3))],
       attrs={"pads": [1, 1, 1, 1], "strides": [2, 2]},
       # channels last: out (1, 16, 16, 32) (floor((32+2−3)/2)+1 = 16) = 8,192;
       # MACs = 8,192·16·9 = 1,179,648; FLOPs = 2·MACs
       macs=1_179_648, flops=2_359_296, bytes_written=8_192 * 4, why="NHWC 3×3/2, 16→32"),
    ms("NhwcFusedConv", [In("x", (1, 8, 8, 16)), W("w", (8, 16, 1, 1)), W("b", (8,))],
       attrs={"activation": "Sigmoid"},
       # out (1, 8, 8, 8) = 512; MACs = 512·16 = 8,192; FLOPs = 16,384 + 512·(1 + 4 sigmoid)
       macs=8_192, flops=18_944, why="NHWC 1×1 + bias + Sigmoid"),
    ms("NhwcMaxPool", [In("x", (1, 16, 16, 8), "uint8")],
       attrs={"kernel_shape": [2, 2], "strides": [2, 2]},
       # out (1, 8, 8, 8) = 512; one compare per window element: 512·4 = 2,048
       macs=0, flops=2_048, bytes_written=512, why="NHWC 2×2/2 max pool, uint8"),
    # ------------------------------------------------------------------ matrix products
    ms("FusedMatMul", [In("a", (2, 4, 64, 32)), In("b", (2, 4, 64, 32))],
       attrs={"transB": 1, "alpha": 0.125},
       # Bᵀ (2, 4, 32, 64): MACs = 8·64·32·64 = 1,048,576; FLOPs = 2·MACs + α on 8·64·64 = 32,768
       macs=1_048_576, flops=2_129_920, bytes_written=32_768 * 4, why="Q·Kᵀ·α: 8·64·32·64"),
    ms("FusedMatMul", [In("a", (4, 16, 32)), In("b", (32, 4, 24))], attrs={"transBatchB": 1},
       # transBatchB moves B's dim 0 next to its last: (4, 32, 24); MACs = 4·16·32·24 = 49,152
       macs=49_152, flops=98_304, bytes_written=4 * 16 * 24 * 4, why="transBatchB: 4·16·32·24"),
    ms("TransposeMatMul", [In("a", (32, 64)), W("b", (32, 16))], attrs={"transA": 1},
       # Aᵀ (64, 32) · (32, 16): MACs = 64·32·16 = 32,768
       macs=32_768, flops=65_536, bytes_written=64 * 16 * 4, why="Aᵀ·B 64·32·16"),
    ms("FusedGemm", [In("a", (16, 256)), W("b", (128, 256)), W("c", (128,))],
       attrs={"transB": 1, "activation": "LeakyRelu", "activation_alpha": 0.1},
       # MACs = 16·256·128 = 524,288; FLOPs = 1,048,576 + 2,048·(1 C + 2 leaky relu) = 1,054,720
       macs=524_288, flops=1_054_720, bytes_written=2_048 * 4, why="Gemm + C + LeakyRelu"),
    ms("GemmFastGelu", [In("x", (1, 8, 64)), W("w", (64, 256)), W("b", (256,))],
       # out 8·256 = 2,048; MACs = 8·64·256 = 131,072; FLOPs = 262,144 + 2,048·(1 + 9) = 282,624
       macs=131_072, flops=282_624, why="MatMul + bias + FastGelu"),
    # ------------------------------------------------------------------------ activations
    ms("Gelu", [In("x", (2, 128, 768))],
       # 196,608 elements × 5 (div, erf, add, mul, mul)
       macs=0, flops=983_040, why="erf GELU 5/elem"),
    ms("BiasGelu", [In("a", (1, 128, 3072)), W("b", (3072,))],
       # 393,216 elements × (1 bias + 5 GELU)
       macs=0, flops=2_359_296, why="bias + GELU 6/elem"),
    ms("FastGelu", [In("x", (1, 128, 3072)), W("b", (3072,))],
       # 393,216 × (1 bias + 9 tanh GELU)
       macs=0, flops=3_932_160, why="bias + tanh GELU 10/elem"),
    ms("FastGelu", [In("x", (4, 1000))],
       # 4,000 × 9
       macs=0, flops=36_000, why="tanh GELU without bias 9/elem"),
    ms("QuickGelu", [In("x", (1, 77, 3072))],
       # 236,544 × 6 (scale, neg, exp, add, div, mul)
       macs=0, flops=1_419_264, why="x·sigmoid(1.702x) 6/elem"),
    ms("BiasSplitGelu", [In("x", (2, 64, 1280)), W("b", (1280,))],
       # bias add on 163,840; then 81,920 outputs × (5 GELU + 1 multiply) = 491,520
       macs=0, flops=655_360, bytes_written=81_920 * 4, why="bias, split, left·gelu(right)"),
    ms("BiasAdd", [In("x", (2, 64, 320)), W("b", (320,)), In("skip", (2, 64, 320))],
       # 40,960 × 2 adds
       macs=0, flops=81_920, why="x + bias + skip 2/elem"),
    ms("BiasSoftmax", [In("x", (2, 12, 128, 128)), In("m", (2, 1, 1, 128))],
       attrs={"axis": 3, "is_inner_broadcast": 0},
       # 393,216 × (1 add + 5 softmax)
       macs=0, flops=2_359_296, why="softmax(scores + mask) 6/elem"),
    ms("BiasDropout", [In("x", (1, 128, 768)), W("b", (768,)), In("r", (1, 128, 768))],
       # inference: 98,304 × (1 bias + 1 residual), dropout is the identity
       macs=0, flops=196_608, why="dropout(x + bias) + residual, inference"),
    # --------------------------------------------------------------------- normalizations
    ms("SkipLayerNormalization", [In("x", (2, 128, 768)), In("skip", (2, 128, 768)),
                                  W("g", (768,)), W("beta", (768,)), W("bias", (768,))],
       # 196,608 elements × (1 skip + 1 bias + 5 stats + 1 γ + 1 β) + 5·256 rows = 1,770,752
       macs=0, flops=1_770_752, bytes_written=196_608 * 4, why="Add + Add + LayerNorm, BERT-base"),
    ms("SkipSimplifiedLayerNormalization", [In("x", (1, 32, 4096)), In("skip", (1, 32, 4096)),
                                            W("g", (4096,))],
       # 131,072 × (1 skip + 4 RMS) + 4·32 rows = 655,360 + 128
       macs=0, flops=655_488, why="Add + RMSNorm, 4096 wide"),
    Case("SimplifiedLayerNormalization", [In("x", (1, 32, 4096)), W("g", (4096,))],
         # default domain (ORT registers it there): 4·131,072 + 4·32 = 524,416
         macs=0, flops=524_416, bytes_written=131_072 * 4, why="RMSNorm in the onnx domain"),
    ms("SimplifiedLayerNormalization", [In("x", (2, 16, 512)), W("g", (512,))],
       # 4·16,384 (x², Σ, ·1/rms, ·γ) + 4·32 rows (÷n, +ε, √, 1/x) = 65,664
       macs=0, flops=65_664, why="RMSNorm 4/elem + 4/row"),
    ms("LayerNormalization", [In("x", (2, 16, 512)), W("g", (512,)), W("b", (512,))],
       # as the onnx op: 16,384 × 7 + 5·32 = 114,848
       macs=0, flops=114_848, why="contrib LayerNorm 7/elem + 5/row"),
    ms("GroupNorm", [In("x", (2, 32, 32, 320)), W("g", (320,)), W("b", (320,))],
       attrs={"groups": 32, "activation": 1},
       # NHWC: 655,360 × (7 norm + 5 SiLU) + 5·2·32 groups = 7,864,320 + 320
       macs=0, flops=7_864_640, why="GroupNorm + SiLU, SD UNet"),
    ms("SkipGroupNorm", [In("x", (2, 16, 16, 64)), W("g", (64,)), W("b", (64,)),
                         In("skip", (2, 16, 16, 64)), W("bias", (64,))],
       attrs={"groups": 8, "activation": 0},
       # 32,768 × (1 skip + 1 bias + 7) + 5·2·8 = 294,912 + 80
       macs=0, flops=294_992, why="x + skip + bias, GroupNorm"),
    ms("EmbedLayerNormalization",
       [In("ids", (2, 16), "int32"), In("seg", (2, 16), "int32"), W("word", (100, 64)),
        W("pos", (32, 64)), W("segemb", (2, 64)), W("g", (64,)), W("b", (64,)),
        In("mask", (2, 16), "int32")], outputs=2,
       # 32 tokens × 64 = 2,048 elements: 2 adds (3 tables) + 7 LayerNorm per element = 18,432,
       # + 5·32 rows + 32 mask sums = 18,624. Reads one row per token from each table
       # (3·2,048·4 = 24,576) + γ, β (512) + three int32 (2, 16) inputs (384) = 25,472;
       # writes (2, 16, 64) float (8,192) + mask_index (2,) int32 (8)
       macs=0, flops=18_624, bytes_read=25_472, bytes_written=8_200, params=100 * 64 + 32 * 64
       + 2 * 64 + 128, why="BERT embeddings: 3 gathers, 2 adds, LayerNorm"),
    # ----------------------------------------------------------------------------- rotary
    ms("RotaryEmbedding", [In("x", (1, 8, 32, 64)), In("pos", (1, 32), "int64"),
                           W("cos", (128, 32)), W("sin", (128, 32))],
       # BNSH, whole head rotated: 16,384 elements × 3 (6 FLOPs per pair)
       macs=0, flops=49_152, why="RoPE on 8 heads × 32 × 64"),
    ms("RotaryEmbedding", [In("x", (1, 32, 512)), In("pos", (1, 32), "int64"),
                           W("cos", (128, 16)), W("sin", (128, 16))],
       attrs={"num_heads": 8, "rotary_embedding_dim": 32},
       # head 512/8 = 64, 32 of it rotated: 16,384/64·32 = 8,192 elements × 3
       macs=0, flops=24_576, why="partial RoPE: 32 of 64 dims"),
    # ------------------------------------------------------------------ movement, helpers
    ms("GatherND", [In("x", (4, 64, 32)), In("i", (4, 2), "int64")],
       # out (4, 32): reads 128·4 gathered + 8·8 index bytes = 576, writes 512
       macs=0, flops=0, bytes_read=576, bytes_written=512, status="zero", why="GatherND slices"),
    ms("Trilu", [In("x", (4, 64, 64))],
       # one select per element
       macs=0, flops=16_384, why="triangular mask 4·64·64"),
    ms("Range", [In("start", (), "float32"), In("limit", (), "float32"),
                 In("delta", (), "float32")], out_shapes=[((20,), "float32")],
       # 20 values, one running add each
       macs=0, flops=20, bytes_written=80, why="range of 20 floats"),
    ms("Inverse", [In("x", (8, 16, 16))],
       # LU inverse ≈ 2n³ FLOPs = n³ MACs per matrix: 8·4,096
       macs=32_768, flops=65_536, status="estimated", why="batched 16×16 inverse"),
    ms("Tokenizer", [In("t", (2, 5), "string")],
       attrs={"mincharnum": 1, "separators": [" "], "pad_value": "#", "mark": 0},
       out_shapes=[((2, 5, 3), "string")],
       # one regex scan per string (lengths unknown): 10, estimated
       macs=0, flops=10, status="estimated", why="tokenizer 2×5 strings"),
    ms("ExpandDims", [In("x", (3, 4)), W("axis", value=1, dtype="int32")],
       # a view: nothing read or written
       macs=0, flops=0, bytes_read=0, bytes_written=0, status="zero", why="(3, 4) → (3, 1, 4)"),
    ms("Pad", [In("x", (1, 3, 8, 8)), W("pads", value=[0, 0, 1, 1, 0, 0, 1, 1], dtype="int64")],
       # copy: reads 192·4 + the 8 int64 pads (64), writes (1, 3, 10, 10)·4 = 1,200
       macs=0, flops=0, bytes_read=832, bytes_written=1_200, status="zero", why="contrib Pad 1 px"),
    # -------------------------------------------------------------------------- attention
    ms("Attention", [In("x", (1, 64, 256)), W("w", (256, 768)), W("b", (768,)),
                     In("mask", (1, 64), "int32")], attrs={"num_heads": 4},
       # projection 64·256·768 = 12,582,912; scores + context 4·64·64·(64 + 64) = 2,097,152;
       # FLOPs = 2·14,680,064 + bias 64·768 = 49,152 + 4·64·64 = 16,384 scores × (1 scale +
       # 5 softmax + 1 mask) = 114,688 → 29,523,968
       macs=14_680_064, flops=29_523_968, bytes_written=64 * 256 * 4, why="BERT-like, 4 heads"),
    ms("Attention", [In("x", (1, 1, 256)), W("w", (256, 768)), None, None,
                     In("past", (2, 1, 4, 31, 64))], attrs={"num_heads": 4, "unidirectional": 1},
       outputs=2,
       # T = 31 + 1 = 32; MACs = 256·768 + 4·1·32·128 = 196,608 + 16,384 = 212,992;
       # FLOPs = 425,984 + 128 scores × (6 + 1 causal) = 426,880;
       # writes (1, 1, 256) + present (2, 1, 4, 32, 64): (256 + 16,384)·4 = 66,560
       macs=212_992, flops=426_880, bytes_written=66_560, why="GPT-2 decode step with past"),
    ms("MultiHeadAttention", [In("q", (1, 64, 256)), In("k", (1, 64, 256)), In("v", (1, 64, 256)),
                              W("b", (768,))], attrs={"num_heads": 4},
       # MACs = 4·64·64·128 = 2,097,152; FLOPs = 4,194,304 + bias 4·(64·64 + 64·128) = 49,152
       # + 16,384 scores × 6 = 98,304 → 4,341,760 (the Attention case less projection and mask)
       macs=2_097_152, flops=4_341_760, bytes_written=64 * 256 * 4, why="MHA with QKV bias"),
    ms("MultiHeadAttention", [In("q", (2, 1, 512)), In("k", (2, 8, 100, 64)),
                              In("v", (2, 8, 100, 64)), None, In("m", (2, 100), "int32")],
       attrs={"num_heads": 8},
       # cross attention over BNSH keys: MACs = 16·1·100·128 = 204,800;
       # FLOPs = 409,600 + 1,600 scores × (6 + 1 key padding mask) = 420,800
       macs=204_800, flops=420_800, why="decoder cross attention, 100 encoder keys"),
    ms("MultiHeadAttention", [In("qkv", (1, 16, 4, 3, 32))], attrs={"num_heads": 4},
       # packed QKV: MACs = 4·16·16·64 = 65,536; FLOPs = 131,072 + 1,024 × 6 = 137,216
       macs=65_536, flops=137_216, bytes_written=16 * 128 * 4, why="packed QKV (B,S,H,3,hd)"),
    ms("MultiHeadAttention", [In("q", (1, 1, 256)), In("k", (1, 1, 256)), In("v", (1, 1, 256)),
                              None, None, None, In("pk", (1, 4, 31, 64)), In("pv", (1, 4, 31, 64))],
       attrs={"num_heads": 4}, outputs=3,
       # T = 31 + 1; MACs = 4·32·128 = 16,384; FLOPs = 32,768 + 128 × 6 = 33,536
       macs=16_384, flops=33_536, why="MHA decode step with past key/value"),
    ms("GroupQueryAttention", [In("q", (1, 64, 2048)), In("k", (1, 64, 512)),
                               In("v", (1, 64, 512)), None, None, In("seqlens", (1,), "int32"),
                               W("total", value=64, dtype="int32")],
       attrs={"num_heads": 32, "kv_num_heads": 8},
       # hd = 2048/32 = 64, T = 64 (folded); MACs = 32·64·64·128 = 16,777,216;
       # FLOPs = 33,554,432 + 131,072 scores × (6 + 1 causal) = 34,471,936
       macs=16_777_216, flops=34_471_936, bytes_written=64 * 2048 * 4, why="GQA 32/8 heads prompt"),
    ms("GroupQueryAttention", [In("qkv", (1, 1, 3072)), None, None, In("pk", (1, 8, 127, 64)),
                               In("pv", (1, 8, 127, 64)), In("seqlens", (1,), "int32"),
                               In("total", (), "int32"), W("cos", (256, 32)), W("sin", (256, 32))],
       attrs={"num_heads": 32, "kv_num_heads": 8, "do_rotary": 1}, outputs=3,
       # packed: hd = 3072/(32 + 16) = 64; T = 127 + 1 (total unknown: estimated);
       # MACs = 32·1·128·128 = 524,288; FLOPs = 1,048,576 + 4,096 × 7 + rotary 3·(32 + 8)·64
       # = 1,048,576 + 28,672 + 7,680 = 1,084,928
       macs=524_288, flops=1_084_928, status="estimated", why="GQA decode, packed, rotary"),
    ms("GroupQueryAttention", [In("q", (1, 128, 512)), In("k", (1, 128, 128)),
                               In("v", (1, 128, 128)), None, None, In("seqlens", (1,), "int32"),
                               W("total", value=128, dtype="int32")],
       attrs={"num_heads": 8, "kv_num_heads": 2, "local_window_size": 31},
       # each query sees at most 31 + 1 keys: T = 32; MACs = 8·128·32·128 = 4,194,304;
       # FLOPs = 8,388,608 + 32,768 × 7 = 8,617,984
       macs=4_194_304, flops=8_617_984, why="GQA sliding window 32"),
    ms("DecoderMaskedMultiHeadAttention",
       [In("q", (2, 1, 512)), In("k", (2, 1, 512)), In("v", (2, 1, 512)), None, None,
        In("pk", (2, 8, 63, 64)), In("pv", (2, 8, 63, 64))], attrs={"num_heads": 8},
       # self attention: T = 63 + 1; MACs = 16·64·128 = 131,072; FLOPs = 262,144 + 1,024 × 6
       macs=131_072, flops=268_288, why="decoder self attention, 63 past tokens"),
    ms("DecoderMaskedMultiHeadAttention",
       [In("q", (2, 1, 512)), In("k", (2, 8, 100, 64)), In("v", (2, 8, 100, 64))],
       attrs={"num_heads": 8},
       # cross attention: MACs = 16·100·128 = 204,800; FLOPs = 409,600 + 1,600 × 6
       macs=204_800, flops=419_200, why="decoder cross attention, 100 keys"),
    ms("SparseAttention",
       [In("q", (1, 128, 512)), In("k", (1, 128, 128)), In("v", (1, 128, 128)),
        In("pk", (1, 2, 128, 64)), In("pv", (1, 2, 128, 64)),
        W("rows", value=SPARSE_ROWS, dtype="int32"), W("cols", value=SPARSE_COLS, dtype="int32"),
        W("total", value=128, dtype="int32"), In("klens", (1,), "int32")],
       attrs={"num_heads": 8, "kv_num_heads": 2, "sparse_block_size": 16},
       # positions 0..127 fill block rows 0..7 (16 each): 16·(1 + 7·2) = 240 blocks of 16 keys,
       # 240·16/128 = 30 keys per query; MACs = 8·128·30·128 = 3,932,160;
       # FLOPs = 7,864,320 + 30,720 scores × (6 + 1 mask) = 8,079,360
       macs=3_932_160, flops=8_079_360, status="estimated", why="local block-sparse, 2 blocks/row"),
    ms("PackedAttention", [In("x", (48, 256)), W("w", (256, 768)), W("b", (768,)),
                           In("offset", (2, 32), "int32"), In("cu", (3,), "int32")],
       attrs={"num_heads": 4},
       # 48 tokens, padded S = 32: MACs = 48·256·768 = 9,437,184 + 48·4·32·128 = 786,432;
       # FLOPs = 20,447,232 + bias 48·768 = 36,864 + 6,144 scores × 6 = 36,864 → 20,520,960
       macs=10_223_616, flops=20_520_960, status="estimated", why="packed BERT, 48 tokens"),
    ms("PackedMultiHeadAttention", [In("qkv", (48, 4, 3, 64)), None, None, None,
                                    In("offset", (2, 32), "int32"), In("cu", (3,), "int32")],
       attrs={"num_heads": 4},
       # MACs = 48·4·32·128 = 786,432; FLOPs = 1,572,864 + 6,144 × 6 = 1,609,728
       macs=786_432, flops=1_609_728, status="estimated", bytes_written=48 * 256 * 4,
       why="packed QKV MHA, 48 tokens"),
    ms("QAttention", [In("x", (1, 64, 256), "uint8"), W("w", (256, 768), "int8"), W("b", (768,)),
                      s("xs", 0.02), s("ws", 0.01), None, s("xz", 128, "uint8"), s("wz", 0, "int8")],
       attrs={"num_heads": 4},
       # integer projection 12,582,912 + float attention 2,097,152 = 14,680,064 MACs;
       # FLOPs = 29,360,128 + zero points (16,384 input + 196,608 weight) + dequantize and bias
       # 2·64·768 = 98,304 + 16,384 scores × 6 = 98,304 → 29,769,728
       macs=14_680_064, flops=29_769_728, bytes_written=64 * 256 * 4, why="int8 BERT attention"),
    # ----------------------------------------------------------- block-quantized weights
    ms("MatMulNBits", [In("a", (1, 4096), "float16"), W("b", (4096, 128, 16), "uint8"),
                       W("scales", (4096, 128), "float16")],
       attrs={"K": 4096, "N": 4096, "block_size": 32},
       # MACs = 1·4096·4096 = 16,777,216; FLOPs = 33,554,432 + (q − 8)·scale on 4096·4096
       # weights (2 each) = 33,554,432 → 67,108,864. Reads 4-bit weights 4096·128·16 =
       # 8,388,608 + fp16 scales 4096·128·2 = 1,048,576 + A 8,192 = 9,445,376
       macs=16_777_216, flops=67_108_864, bytes_read=9_445_376, bytes_written=8_192,
       why="4-bit 4096×4096, block 32, fp16 scales"),
    ms("MatMulNBits", [In("a", (2, 16, 256)), W("b", (128, 4, 64), "uint8"), W("scales", (128, 4)),
                       W("zp", (128, 4), "uint8"), None, W("bias", (128,))],
       attrs={"K": 256, "N": 128, "block_size": 64, "bits": 8, "accuracy_level": 4},
       # MACs = 32·256·128 = 1,048,576; FLOPs = 2,097,152 + 2·128·256 = 65,536 + bias 32·128
       macs=1_048_576, flops=2_166_784, why="8-bit, int8 compute, zero points, bias"),
    ms("MatMulBnb4", [In("a", (1, 8, 1024)), W("b", (262_144,), "uint8"), W("absmax", (8_192,))],
       attrs={"K": 1024, "N": 512, "block_size": 64, "quant_type": 1},
       # MACs = 8·1024·512 = 4,194,304; FLOPs = 8,388,608 + 524,288 NF4 lookups · absmax
       macs=4_194_304, flops=8_912_896, bytes_written=8 * 512 * 4, why="NF4 1024→512"),
    ms("GatherBlockQuantized", [W("data", (1000, 32), "uint8"), In("i", (2, 5), "int64"),
                                W("scales", (1000, 2))],
       attrs={"block_size": 32},
       # 4-bit values two per byte: logical (1000, 64); out (2, 5, 64) = 640 × 1 (·scale);
       # reads 640 nibbles (320 B) + 20 scales (80 B) + indices 80 B = 480; writes 640·4
       macs=0, flops=640, bytes_read=480, bytes_written=2_560, why="4-bit embedding lookup"),
    # ------------------------------------------------------------- integer matrix products
    ms("QGemm", [In("a", (64, 256), "uint8"), s("as", 0.02), s("az", 128, "uint8"),
                 W("b", (128, 256), "int8"), W("bs", (128,)), W("bz", (128,), "int8"),
                 W("c", (128,), "int32"), s("ys", 0.1), s("yz", 128, "uint8")],
       attrs={"transB": 1},
       # MACs = 64·256·128 = 2,097,152; FLOPs = 4,194,304 + zero points 16,384 + 32,768
       # + 8,192 outputs × (1 C + 5 requantize) = 4,292,608
       macs=2_097_152, flops=4_292_608, bytes_written=8_192, why="QGemm, uint8 output"),
    ms("QGemm", [In("a", (16, 64), "uint8"), s("as", 0.02), s("az", 128, "uint8"),
                 W("b", (64, 32), "int8"), s("bs", 0.01), s("bz", 0, "int8")],
       # MACs = 16·64·32 = 32,768; FLOPs = 65,536 + 1,024 + 2,048 + 512 × 1 scale; float output
       macs=32_768, flops=69_120, bytes_written=512 * 4, why="QGemm, float output"),
    ms("MatMulIntegerToFloat", [In("a", (1, 32, 256), "uint8"), W("b", (256, 128), "int8"),
                                s("as", 0.02), W("bs", (128,)), s("az", 128, "uint8"), None,
                                W("bias", (128,))],
       # MACs = 32·256·128 = 1,048,576; FLOPs = 2,097,152 + 8,192 A zero point
       # + 4,096 outputs × (1 scale + 1 bias); float output
       macs=1_048_576, flops=2_113_536, bytes_written=4_096 * 4, why="int MatMul → float"),
    ms("DynamicQuantizeMatMul", [In("a", (1, 32, 256)), W("b", (256, 128), "int8"),
                                 W("bs", (128,)), W("bz", (128,), "int8"), W("bias", (128,))],
       # quantize A: 8,192 × 7 + 9 = 57,353; MACs = 1,048,576 (uint8); zero points 8,192 +
       # 32,768; 4,096 × (scale + bias) = 8,192 → 57,353 + 2,097,152 + 40,960 + 8,192
       macs=1_048_576, flops=2_203_657, why="dynamic uint8 A × int8 B"),
    ms("QLinearConv", [In("x", (1, 16, 16, 8), "uint8"), s("xs", 0.02), s("xz", 128, "uint8"),
                       W("w", (16, 8, 3, 3), "int8"), W("ws", (16,)), W("wz", (16,), "int8"),
                       s("ys", 0.05), s("yz", 128, "uint8"), W("bias", (16,), "int32")],
       attrs={"pads": [1, 1, 1, 1], "channels_last": 1},
       # NHWC out (1, 16, 16, 16) = 4,096; MACs = 4,096·8·9 = 294,912; FLOPs = 589,824
       # + zero points 2,048 + 1,152 + 4,096 × (5 requantize + 1 bias) = 617,600
       macs=294_912, flops=617_600, bytes_written=4_096, why="channels-last QLinearConv 3×3"),
    # ----------------------------------------------------------- QLinear element-wise ops
    ms("QLinearAdd", [In("a", (1, 32, 16, 16), "uint8"), s("as", 0.1), s("az", 128, "uint8"),
                      In("b", (1, 32, 16, 16), "uint8"), s("bs", 0.2), s("bz", 128, "uint8"),
                      s("cs", 0.3), s("cz", 128, "uint8")],
       # 8,192 × (2 + 2 dequantize + 1 add + 5 quantize)
       macs=0, flops=81_920, bytes_written=8_192, why="residual add, uint8"),
    ms("QLinearMul", [In("a", (1, 32, 16, 16), "uint8"), s("as", 0.1), s("az", 128, "uint8"),
                      In("b", (1, 32, 16, 16), "uint8"), s("bs", 0.2), s("bz", 128, "uint8"),
                      s("cs", 0.3), s("cz", 128, "uint8")],
       # 8,192 × (2 zero points + 1 multiply + 5 requantize)
       macs=0, flops=65_536, why="product, uint8"),
    ms("QLinearSigmoid", [In("x", (1, 64, 8, 8), "int8"), s("xs", 0.1), s("xz", 0, "int8"),
                          s("ys", 1 / 256), s("yz", -128, "int8")],
       # 4,096 × (2 dequantize + 4 sigmoid + 5 quantize)
       macs=0, flops=45_056, why="sigmoid on int8"),
    ms("QLinearLeakyRelu", [In("x", (1, 64, 8, 8), "int8"), s("xs", 0.1), s("xz", 0, "int8"),
                            s("ys", 0.1), s("yz", 0, "int8")], attrs={"alpha": 0.1},
       # 4,096 × (2 + 2 + 5)
       macs=0, flops=36_864, why="leaky relu on int8"),
    ms("QLinearSoftmax", [In("x", (1, 12, 64), "uint8"), s("xs", 0.1), s("xz", 128, "uint8"),
                          s("ys", 1 / 256), s("yz", 0, "uint8")], attrs={"opset": 13},
       # 768 × (2 + 5 softmax + 5)
       macs=0, flops=9_216, why="softmax on uint8"),
    ms("QLinearWhere", [In("c", (4, 16), "bool"), In("x", (4, 16), "int8"), s("xs", 0.1),
                        s("xz", 0, "int8"), In("y", (4, 16), "int8"), s("ys", 0.2),
                        s("yz", 0, "int8"), s("zs", 0.2), s("zz", 0, "int8")],
       # 64 × (1 select + 2 dequantize + 5 quantize)
       macs=0, flops=512, bytes_written=64, why="select between int8 tensors"),
    ms("QLinearConcat", [s("ys", 0.1), s("yz", 128, "uint8"),
                         In("a", (1, 16, 8, 8), "uint8"), s("as", 0.1), s("az", 128, "uint8"),
                         In("b", (1, 8, 8, 8), "uint8"), s("bs", 0.2), s("bz", 128, "uint8")],
       attrs={"axis": 1},
       # a already at Y's scale: copied; b requantized: 512 × (2 + 5) = 3,584
       macs=0, flops=3_584, bytes_written=24 * 64, why="concat, one input requantized"),
    ms("QLinearConcat", [s("ys", 0.1), s("yz", 128, "uint8"),
                         In("a", (1, 16, 8, 8), "uint8"), s("as", 0.1), s("az", 128, "uint8"),
                         In("b", (1, 8, 8, 8), "uint8"), s("bs", 0.1), s("bz", 128, "uint8")],
       attrs={"axis": 1},
       # every input at Y's scale: a plain copy
       macs=0, flops=0, status="zero", why="concat, same quantization"),
    ms("MulInteger", [In("a", (4, 64), "uint8"), s("az", 128, "uint8"), In("b", (64,), "uint8")],
       # 256 × (1 multiply + 1 zero point), int32 output
       macs=0, flops=512, bytes_written=1_024, why="int32 product of uint8"),
    # --------------------------------------------------------- quantized pools, reductions
    ms("QLinearGlobalAveragePool", [In("x", (1, 64, 7, 7), "uint8"), s("xs", 0.1),
                                    s("xz", 128, "uint8"), s("ys", 0.1), s("yz", 128, "uint8")],
       # 3,136 × 2 dequantize + 3,136 adds + 64 divides + 64 × 5 quantize = 9,792
       macs=0, flops=9_792, bytes_written=64, why="global average of 64×7×7"),
    ms("QLinearGlobalAveragePool", [In("x", (1, 7, 7, 64), "uint8"), s("xs", 0.1),
                                    s("xz", 128, "uint8"), s("ys", 0.1), s("yz", 128, "uint8")],
       attrs={"channels_last": 1},
       # NHWC, same counts: 9,792
       macs=0, flops=9_792, bytes_written=64, why="global average, channels last"),
    ms("QLinearAveragePool", [In("x", (1, 64, 25, 5), "uint8"), s("xs", 0.1),
                              s("xz", 128, "uint8"), s("ys", 0.1), s("yz", 128, "uint8")],
       attrs={"kernel_shape": [25, 5]},
       # 8,000 × 2 + 64 × (125 adds + 1 divide) + 64 × 5 = 16,000 + 8,064 + 320
       macs=0, flops=24_384, bytes_written=64, why="KWS-DSCNN final pool, uint8"),
    ms("QLinearReduceMean", [In("x", (1, 64, 7, 7), "uint8"), s("xs", 0.1),
                             s("xz", 128, "uint8"), s("ys", 0.1), s("yz", 128, "uint8")],
       attrs={"axes": [2, 3], "keepdims": 1},
       # 3,136 × 2 + (3,136 − 64) adds + 64 divides + 64 × 5 = 6,272 + 3,136 + 320
       macs=0, flops=9_728, bytes_written=64, why="mean over H, W, uint8"),
    ms("ReduceSumInteger", [In("x", (4, 64), "int8")], attrs={"axes": [1], "keepdims": 0},
       # 256 − 4 adds, int32 output (4,)
       macs=0, flops=252, bytes_written=16, why="row sums of int8"),
    ms("QuantizeLinear", [In("x", (1, 3, 8, 8)), s("s", 0.02), s("z", 128, "uint8")],
       # 192 × (4 + 1 zero point), uint8 output
       macs=0, flops=960, bytes_written=192, why="contrib QuantizeLinear"),
    ms("DequantizeLinear", [In("x", (192,), "int8"), s("s", 0.02), s("z", 0, "int8")],
       # 192 × (1 + 1 zero point), float output
       macs=0, flops=384, bytes_written=768, why="contrib DequantizeLinear"),
    ms("QEmbedLayerNormalization",
       [In("ids", (2, 16), "int32"), In("seg", (2, 16), "int32"), W("word", (100, 64), "uint8"),
        W("pos", (32, 64), "uint8"), W("segemb", (2, 64), "uint8"), W("g", (64,), "uint8"),
        W("b", (64,), "uint8"), In("mask", (2, 16), "int32"),
        s("s1", 0.1), s("s2", 0.1), s("s3", 0.1), s("s4", 0.1), s("s5", 0.1),
        s("z1", 128, "uint8"), s("z2", 128, "uint8"), s("z3", 128, "uint8"),
        s("z4", 128, "uint8"), s("z5", 128, "uint8")],
       # 2,048 elements × (3 tables × 2 dequantize + 2 adds + 7 LayerNorm) + 5·32 rows
       # + γ, β dequantized (4·64) = 30,720 + 160 + 256 = 31,136
       macs=0, flops=31_136, bytes_written=2_048 * 4, why="int8 BERT embeddings"),
    # ------------------------------------------------- NCHWc blocked layout (ORT_ENABLE_ALL)
    Case("Conv", [In("x", (1, 16, 32, 32)), W("w", (32, 16, 3, 3)), W("b", (32,))], domain=NCHWC,
         attrs={"pads": [1, 1, 1, 1], "kernel_shape": [3, 3], "activation": "Relu"},
         # as FusedConv: MACs = 32,768 outputs · 16 · 9 = 4,718,592; FLOPs = 2·MACs + 32,768·2
         macs=4_718_592, flops=9_502_720, bytes_written=32_768 * 4, why="NCHWc conv + bias + Relu"),
    Case("Conv", [In("x", (1, 32, 16, 16)), W("w", (32, 1, 3, 3)), W("b", (32,)),
                  In("sum", (1, 32, 16, 16))], domain=NCHWC,
         attrs={"pads": [1, 1, 1, 1], "kernel_shape": [3, 3], "group": 32},
         # depthwise: 8,192 · 1 · 9 = 73,728 MACs; FLOPs = 147,456 + 8,192·(1 bias + 1 Sum)
         macs=73_728, flops=163_840, why="NCHWc depthwise + residual Sum"),
    Case("MaxPool", [In("x", (1, 16, 32, 32))], domain=NCHWC,
         attrs={"kernel_shape": [2, 2], "strides": [2, 2]},
         # out 16·16·16 = 4,096 × 4 compares
         macs=0, flops=16_384, bytes_written=4_096 * 4, why="NCHWc max pool 2×2/2"),
    Case("AveragePool", [In("x", (1, 64, 25, 5))], domain=NCHWC, attrs={"kernel_shape": [25, 5]},
         # 64 outputs × (125 adds + 1 divide)
         macs=0, flops=8_064, bytes_written=256, why="NCHWc average pool 25×5"),
    Case("GlobalMaxPool", [In("x", (1, 32, 7, 7))], domain=NCHWC,
         # 1,568 compares
         macs=0, flops=1_568, bytes_written=128, why="NCHWc global max"),
    Case("GlobalAveragePool", [In("x", (1, 32, 7, 7))], domain=NCHWC,
         # 1,568 adds + 32 divides
         macs=0, flops=1_600, bytes_written=128, why="NCHWc global average"),
    Case("Upsample", [In("x", (1, 16, 8, 8))], domain=NCHWC,
         attrs={"scales": [1, 1, 2, 2], "mode": "nearest"},
         # nearest: a copy into (1, 16, 16, 16)
         macs=0, flops=0, bytes_written=4_096 * 4, status="zero", why="NCHWc nearest ×2"),
    Case("Upsample", [In("x", (1, 16, 8, 8))], domain=NCHWC,
         attrs={"scales": [1, 1, 2, 2], "mode": "linear"},
         # bilinear: 4,096 outputs × 2 resized axes × 3 (one lerp each)
         macs=0, flops=24_576, why="NCHWc bilinear ×2"),
    Case("ReorderInput", [In("x", (1, 8, 8, 16))], domain=NCHWC, attrs={"channels_last": 1},
         # NHWC → NCHWc copy: reads and writes 1,024 floats
         macs=0, flops=0, bytes_read=4_096, bytes_written=4_096, status="zero",
         why="NHWC → NCHWc"),
    Case("ReorderOutput", [In("x", (1, 16, 8, 8))], domain=NCHWC, attrs={"channels": 10},
         # back to NCHW, the 6 padding channels dropped: writes (1, 10, 8, 8) = 640 floats
         macs=0, flops=0, bytes_written=2_560, status="zero", why="NCHWc → NCHW, 10 channels"),
    ms("DynamicQuantizeLSTM",
       [In("x", (10, 2, 32)), W("w", (1, 32, 256), "int8"), W("r", (1, 64, 256), "int8"),
        W("b", (1, 512)), None, None, None, None, W("ws", (1,)), W("wz", (1,), "int8"),
        W("rs", (1,)), W("rz", (1,), "int8")],
       attrs={"hidden_size": 64},
       # MACs = 10·2·4·64·(32 + 64) = 491,520 (uint8); per step, batch row and hidden unit:
       # 3 sigmoids (12) + 2 tanh (2) + state update 4 + 8 bias + 8 accumulator scales = 34;
       # 1,280 × 34 = 43,520; quantize x (640) and h (1,280) at 7 each = 13,440
       macs=491_520, flops=1_040_000, why="int8 LSTM, 10 steps, hidden 64"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)


def test_matmul_n_bits_weight_bytes_are_the_packed_sizes() -> None:
    # 4-bit, block 32, fp16 scales: 4096·4096/2 = 8,388,608 B of nibbles + 4096·(4096/32)·2 =
    # 1,048,576 B of scales = 9,437,184 B, i.e. 4.5/32 of the fp32 weight's 67,108,864 B.
    no_zero_points = check(CASES_BY_WHY["4-bit 4096×4096, block 32, fp16 scales"])
    assert no_zero_points.weight_bytes == 4096 * 4096 // 2 + 4096 * (4096 // 32) * 2 == 9_437_184
    assert no_zero_points.weight_bytes * 32 == 4096 * 4096 * 4 * 4.5
    assert no_zero_points.dtype == "float16"
    # uint8 zero points packed 4-bit: 4096 rows × ⌈128 blocks / 2⌉ bytes = 262,144 B more.
    with_zero_points = check(ms(
        "MatMulNBits", [In("a", (1, 4096), "float16"), W("b", (4096, 128, 16), "uint8"),
                        W("scales", (4096, 128), "float16"), W("zp", (4096, 64), "uint8")],
        attrs={"K": 4096, "N": 4096, "block_size": 32},
        macs=16_777_216, flops=67_108_864, why="4-bit with packed zero points"))
    assert with_zero_points.weight_bytes == 9_437_184 + 4096 * 64 == 9_699_328


def test_integer_work_carries_its_integer_dtype() -> None:
    expected = {
        "channels-last QLinearConv 3×3": "uint8",
        "QGemm, uint8 output": "uint8",
        "int MatMul → float": "uint8",
        "dynamic uint8 A × int8 B": "uint8",
        "8-bit, int8 compute, zero points, bias": "int8",
        "sigmoid on int8": "int8",
        "int8 LSTM, 10 steps, hidden 64": "uint8",
    }
    for why, dtype in expected.items():
        assert check(CASES_BY_WHY[why]).dtype == dtype, why


def test_q_attention_splits_integer_and_float_macs() -> None:
    node = check(CASES_BY_WHY["int8 BERT attention"])
    assert dict(node.macs_by_dtype) == {"uint8": 12_582_912, "float32": 2_097_152}


CASES_BY_WHY = {case.why: case for case in CASES}
