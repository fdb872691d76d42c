"""What the analysis reads of onnx's operator schemas, taken from onnx ONNX_VERSION.

SCHEMAS maps (domain, op_type) to one entry per schema version, oldest first:
(since_version, attribute defaults, input type parameters, outputs) as onnxcost.nodes.SchemaFacts
holds them, or (since_version,) where a default is not a plain value. onnxcost.nodes reads it
instead of onnx.defs when the installed onnx is ONNX_VERSION (building onnx's registry costs
about 10 ms a process). It is generated: `python -m onnxcost.schema_table > FILE` prints it anew
from the installed onnx (tests/test_schema_table.py checks it against onnx.defs).
"""

from __future__ import annotations

import math
from typing import Any

ONNX_VERSION = '1.23.2'
SCHEMAS: dict[tuple[str, str], tuple[tuple[Any, ...], ...]] = {
    ('', 'Abs'): ((1, (), ('T',), (('T', None),)), (6, (), ('T',), (('T', None),)), (13, (), ('T',), (('T', None),)),),
    ('', 'Acos'): ((7, (), ('T',), (('T', None),)), (22, (), ('T',), (('T', None),)),),
    ('', 'Acosh'): ((9, (), ('T',), (('T', None),)), (22, (), ('T',), (('T', None),)),),
    ('', 'Add'): ((1, (('broadcast', 0), ), ('T', 'T'), (('T', None),)), (6, (('broadcast', 0), ), ('T', 'T'), (('T', None),)), (7, (), ('T', 'T'), (('T', None),)), (13, (), ('T', 'T'), (('T', None),)), (14, (), ('T', 'T'), (('T', None),)),),
    ('', 'AffineGrid'): ((20, (('align_corners', 0), ), ('T1', 'T2'), (('T1', None),)),),
    ('', 'And'): ((1, (('broadcast', 0), ), ('T', 'T'), (('T1', 'bool'),)), (7, (), ('T', 'T'), (('T1', 'bool'),)),),
    ('', 'ArgMax'): ((1, (('keepdims', 1), ('axis', 0), ), ('T',), (('tensor(int64)', 'int64'),)), (11, (('keepdims', 1), ('axis', 0), ), ('T',), (('tensor(int64)', 'int64'),)), (12, (('select_last_index', 0), ('keepdims', 1), ('axis', 0), ), ('T',), (('tensor(int64)', 'int64'),)), (13, (('select_last_index', 0), ('keepdims', 1), ('axis', 0), ), ('T',), (('tensor(int64)', 'int64'),)),),
    ('', 'ArgMin'): ((1, (('keepdims', 1), ('axis', 0), ), ('T',), (('tensor(int64)', 'int64'),)), (11, (('keepdims', 1), ('axis', 0), ), ('T',), (('tensor(int64)', 'int64'),)), (12, (('select_last_index', 0), ('keepdims', 1), ('axis', 0), ), ('T',), (('tensor(int64)', 'int64'),)), (13, (('select_last_index', 0), ('keepdims', 1), ('axis', 0), ), ('T',), (('tensor(int64)', 'int64'),)),),
    ('', 'Asin'): ((7, (), ('T',), (('T', None),)), (22, (), ('T',), (('T', None),)),),
    ('', 'Asinh'): ((9, (), ('T',), (('T', None),)), (22, (), ('T',), (('T', None),)),),
    ('', 'Atan'): ((7, (), ('T',), (('T', None),)), (22, (), ('T',), (('T', None),)),),
    ('', 'Atanh'): ((9, (), ('T',), (('T', None),)), (22, (), ('T',), (('T', None),)),),
    ('', 'Attention'): ((23, (('qk_matmul_output_mode', 0), ('softcap', 0.0), ('is_causal', 0), ), ('T1', 'T1', 'T2', 'U', 'T1', 'T2'), (('T1', None), ('T1', None), ('T2', None), ('T1', None))), (24, (('qk_matmul_output_mode', 0), ('softcap', 0.0), ('is_causal', 0), ), ('T1', 'T1', 'T2', 'U', 'T1', 'T2', 'tensor(int64)'), (('T1', None), ('T1', None), ('T2', None), ('T1', None))), (25, (('right_window_size', -1), ('left_window_size', -1), ('qk_matmul_output_mode', 0), ('softcap', 0.0), ('is_causal', 0), ), ('T1', 'T1', 'T2', 'U', 'T1', 'T2', 'tensor(int64)'), (('T1', None), ('T1', None), ('T2', None), ('T1', None))),),
    ('', 'AveragePool'): ((1, (('auto_pad', 'NOTSET'), ), ('T',), (('T', None),)), (7, (('count_include_pad', 0), ('auto_pad', 'NOTSET'), ), ('T',), (('T', None),)), (10, (('count_include_pad', 0), ('ceil_mode', 0), ('auto_pad', 'NOTSET'), ), ('T',), (('T', None),)), (11, (('count_include_pad', 0), ('ceil_mode', 0), ('auto_pad', 'NOTSET'), ), ('T',), (('T', None),)), (19, (('count_include_pad', 0), ('ceil_mode', 0), ('auto_pad', 'NOTSET'), ), ('T',), (('T', None),)), (22, (('count_include_pad', 0), ('ceil_mode', 0), ('auto_pad', 'NOTSET'), ), ('T',), (('T', None),)),),
    ('', 'BatchNormalization'): ((1, (('momentum', 0.8999999761581421), ('epsilon', 9.999999747378752e-06), ('is_test', 0), ('spatial', 1), ), ('T', 'T', 'T', 'T', 'T'), (('T', None), ('T', None), ('T', None), ('T', None), ('T', None))), (6, (('momentum', 0.8999999761581421), ('epsilon', 9.999999747378752e-06), ('is_test', 0), ('spatial', 1), ), ('T', 'T', 'T', 'T', 'T'), (('T', None), ('T', None), ('T', None), ('T', None), ('T', None))), (7, (('momentum', 0.8999999761581421), ('epsilon', 9.999999747378752e-06), ('spatial', 1), ), ('T', 'T', 'T', 'T', 'T'), (('T', None), ('T', None), ('T', None), ('T', None), ('T', None))), (9, (('momentum', 0.8999999761581421), ('epsilon', 9.999999747378752e-06), ), ('T', 'T', 'T', 'T', 'T'), (('T', None), ('T', None), ('T', None), ('T', None), ('T', None))), (14, (('training_mode', 0), ('momentum', 0.8999999761581421), ('epsilon', 9.999999747378752e-06), ), ('T', 'T', 'T', 'U', 'U'), (('T', None), ('U', None), ('U', None))), (15, (('training_mode', 0), ('momentum', 0.8999999761581421), ('epsilon', 9.999999747378752e-06), ), ('T', 'T1', 'T1', 'T2', 'T2'), (('T', None), ('T2', None), ('T2', None))),),
    ('', 'Bernoulli'): ((15, (), ('T1',), (('T2', None),)), (22, (), ('T1',), (('T2', None),)),),
    ('', 'BitCast'): ((26, (), ('T1',), (('T2', None),)),),
    ('', 'BitShift'): ((11, (), ('T', 'T'), (('T', None),)), (28, (), ('T', 'T'), (('T', None),)),),
    ('', 'BitwiseAnd'): ((18, (), ('T', 'T'), (('T', None),)),),
    ('', 'BitwiseNot'): ((18, (), ('T',), (('T', None),)),),
    ('', 'BitwiseOr'): ((18, (), ('T', 'T'), (('T', None),)),),
    ('', 'BitwiseXor'): ((18, (), ('T', 'T'), (('T', None),)),),
    ('', 'BlackmanWindow'): ((17, (('periodic', 1), ('output_datatype', 1), ), ('T1',), (('T2', None),)),),
    ('', 'Cast'): ((1, (), ('T1',), (('T2', None),)), (6, (), ('T1',), (('T2', None),)), (9, (), ('T1',), (('T2', None),)), (13, (), ('T1',), (('T2', None),)), (19, (('saturate', 1), ), ('T1',), (('T2', None),)), (21, (('saturate', 1), ), ('T1',), (('T2', None),)), (23, (('saturate', 1), ), ('T1',), (('T2', None),)), (24, (('round_mode', 'up'), ('saturate', 1), ), ('T1',), (('T2', None),)), (25, (('round_mode', 'up'), ('saturate', 1), ), ('T1',), (('T2', None),)), (28, (('round_mode', 'up'), ('saturate', 1), ), ('T1',), (('T2', None),)),),
    ('', 'CastLike'): ((15, (), ('T1', 'T2'), (('T2', None),)), (19, (('saturate', 1), ), ('T1', 'T2'), (('T2', None),)), (21, (('saturate', 1), ), ('T1', 'T2'), (('T2', None),)), (23, (('saturate', 1), ), ('T1', 'T2'), (('T2', None),)), (24, (('round_mode', 'up'), ('saturate', 1), ), ('T1', 'T2'), (('T2', None),)), (25, (('round_mode', 'up'), ('saturate', 1), ), ('T1', 'T2'), (('T2', None),)),),
    ('', 'CausalConvWithState'): ((27, (('activation', 'none'), ), ('T', 'T', 'T', 'T'), (('T', None), ('T', None))),),
    ('', 'Ceil'): ((1, (), ('T',), (('T', None),)), (6, (), ('T',), (('T', None),)), (13, (), ('T',), (('T', None),)),),
    ('', 'Celu'): ((12, (('alpha', 1.0), ), ('T',), (('T', 'float32'),)), (28, (('alpha', 1.0), ), ('T',), (('T', None),)),),
    ('', 'CenterCropPad'): ((18, (), ('T', 'Tind'), (('T', None),)),),
    ('', 'Clip'): ((1, (), ('T',), (('T', None),)), (6, (('max', 3.4028234663852886e+38), ('min', -3.4028234663852886e+38), ), ('T',), (('T', None),)), (11, (), ('T', 'T', 'T'), (('T', None),)), (12, (), ('T', 'T', 'T'), (('T', None),)), (13, (), ('T', 'T', 'T'), (('T', None),)),),
    ('', 'Col2Im'): ((18, (), ('T', 'tensor(int64)', 'tensor(int64)'), (('T', None),)),),
    ('', 'Compress'): ((9, (), ('T', 'T1'), (('T', None),)), (11, (), ('T', 'T1'), (('T', None),)), (28, (), ('T', 'T1'), (('T', None),)),),
    ('', 'Concat'): ((1, (), ('T',), (('T', None),)), (4, (), ('T',), (('T', None),)), (11, (), ('T',), (('T', None),)), (13, (), ('T',), (('T', None),)),),
    ('', 'ConcatFromSequence'): ((11, (('new_axis', 0), ), ('S',), (('T', None),)),),
    ('', 'Constant'): ((1, (), (), (('T', None),)), (9, (), (), (('T', None),)), (11, (), (), (('T', None),)), (12, (), (), (('T', None),)), (13, (), (), (('T', None),)), (19, (), (), (('T', None),)), (21, (), (), (('T', None),)), (23, (), (), (('T', None),)), (24, (), (), (('T', None),)), (25, (), (), (('T', None),)),),
    ('', 'ConstantOfShape'): ((9, (), ('T1',), (('T2', None),)), (20, (), ('T1',), (('T2', None),)), (21, (), ('T1',), (('T2', None),)), (23, (), ('T1',), (('T2', None),)), (24, (), ('T1',), (('T2', None),)), (25, (), ('T1',), (('T2', None),)),),
    ('', 'Conv'): ((1, (('group', 1), ('auto_pad', 'NOTSET'), ), ('T', 'T', 'T'), (('T', None),)), (11, (('group', 1), ('auto_pad', 'NOTSET'), ), ('T', 'T', 'T'), (('T', None),)), (22, (('group', 1), ('auto_pad', 'NOTSET'), ), ('T', 'T', 'T'), (('T', None),)),),
    ('', 'ConvInteger'): ((10, (('group', 1), ('auto_pad', 'NOTSET'), ), ('T1', 'T2', 'T1', 'T2'), (('T3', 'int32'),)),),
    ('', 'ConvTranspose'): ((1, (('group', 1), ('auto_pad', 'NOTSET'), ), ('T', 'T', 'T'), (('T', None),)), (11, (('group', 1), ('auto_pad', 'NOTSET'), ), ('T', 'T', 'T'), (('T', None),)), (22, (('group', 1), ('auto_pad', 'NOTSET'), ), ('T', 'T', 'T'), (('T', None),)),),
    ('', 'Cos'): ((7, (), ('T',), (('T', None),)), (22, (), ('T',), (('T', None),)),),
    ('', 'Cosh'): ((9, (), ('T',), (('T', None),)), (22, (), ('T',), (('T', None),)),),
    ('', 'CumProd'): ((26, (('reverse', 0), ('exclusive', 0), ), ('T', 'T2'), (('T', None),)),),
    ('', 'CumSum'): ((11, (('reverse', 0), ('exclusive', 0), ), ('T', 'T2'), (('T', None),)), (14, (('reverse', 0), ('exclusive', 0), ), ('T', 'T2'), (('T', None),)),),
    ('', 'DFT'): ((17, (('inverse', 0), ('axis', 1), ('onesided', 0), ), ('T1', 'T2'), (('T1', None),)), (20, (('inverse', 0), ('onesided', 0), ), ('T1', 'T2', 'tensor(int64)'), (('T1', None),)),),
    ('', 'DeformConv'): ((19, (('offset_group', 1), ('group', 1), ), ('T', 'T', 'T', 'T', 'T'), (('T', None),)), (22, (('offset_group', 1), ('group', 1), ), ('T', 'T', 'T', 'T', 'T'), (('T', None),)),),
    ('', 'DepthToSpace'): ((1, (), ('T',), (('T', None),)), (11, (('mode', 'DCR'), ), ('T',), (('T', None),)), (13, (('mode', 'DCR'), ), ('T',), (('T', None),)), (28, (('mode', 'DCR'), ), ('T',), (('T', None),)),),
    ('', 'DequantizeLinear'): ((10, (), ('T', 'tensor(float)', 'T'), (('tensor(float)', 'float32'),)), (13, (('axis', 1), ), ('T', 'tensor(float)', 'T'), (('tensor(float)', 'float32'),)), (19, (('axis', 1), ), ('T1', 'T2', 'T1'), (('T2', None),)), (21, (('block_size', 0), ('axis', 1), ), ('T1', 'T2', 'T1'), (('T2', None),)), (23, (('output_dtype', 0), ('block_size', 0), ('axis', 1), ), ('T1', 'T2', 'T1'), (('T3', None),)), (24, (('output_dtype', 0), ('block_size', 0), ('axis', 1), ), ('T1', 'T2', 'T1'), (('T3', None),)), (25, (('output_dtype', 0), ('block_size', 0), ('axis', 1), ), ('T1', 'T2', 'T1'), (('T3', None),)), (28, (('output_dtype', 0), ('block_size', 0), ('axis', 1), ), ('T1', 'T2', 'T1'), (('T3', None),)),),
    ('', 'Det'): ((11, (), ('T',), (('T', None),)), (22, (), ('T',), (('T', None),)),),
    ('', 'Div'): ((1, (('broadcast', 0), ), ('T', 'T'), (('T', None),)), (6, (('broadcast', 0), ), ('T', 'T'), (('T', None),)), (7, (), ('T', 'T'), (('T', None),)), (13, (), ('T', 'T'), (('T', None),)), (14, (), ('T', 'T'), (('T', None),)),),
    ('', 'Dropout'): ((1, (('is_test', 0), ('ratio', 0.5), ), ('T',), (('T', None), ('T', None))), (6, (('is_test', 0), ('ratio', 0.5), ), ('T',), (('T', None), ('T', None))), (7, (('ratio', 0.5), ), ('T',), (('T', None), ('T', None))), (10, (('ratio', 0.5), ), ('T',), (('T', None), ('T1', 'bool'))), (12, (), ('T', 'T1', 'T2'), (('T', None), ('T2', 'bool'))), (13, (), ('T', 'T1', 'T2'), (('T', None), ('T2', 'bool'))), (22, (), ('T', 'T1', 'T2'), (('T', None), ('T2', 'bool'))),),
    ('', 'DynamicQuantizeLinear'): ((11, (), ('T1',), (('T2', 'uint8'), ('tensor(float)', 'float32'), ('T2', 'uint8'))),),
    ('', 'Einsum'): ((12, (), ('T',), (('T', None),)), (28, (), ('T',), (('T', None),)),),
    ('', 'Elu'): ((1, (('alpha', 1.0), ), ('T',), (('T', None),)), (6, (('alpha', 1.0), ), ('T',), (('T', None),)), (22, (('alpha', 1.0), ), ('T',), (('T', None),)),),
    ('', 'Equal'): ((1, (('broadcast', 0), ), ('T', 'T'), (('T1', 'bool'),)), (7, (), ('T', 'T'), (('T1', 'bool'),)), (11, (), ('T', 'T'), (('T1', 'bool'),)), (13, (), ('T', 'T'), (('T1', 'bool'),)), (19, (), ('T', 'T'), (('T1', 'bool'),)),),
    ('', 'Erf'): ((9, (), ('T',), (('T', None),)), (13, (), ('T',), (('T', None),)),),
    ('', 'Exp'): ((1, (), ('T',), (('T', None),)), (6, (), ('T',), (('T', None),)), (13, (), ('T',), (('T', None),)),),
    ('', 'Expand'): ((8, (), ('T', 'tensor(int64)'), (('T', None),)), (13, (), ('T', 'tensor(int64)'), (('T', None),)),),
    ('', 'EyeLike'): ((9, (('k', 0), ), ('T1',), (('T2', None),)), (22, (('k', 0), ), ('T1',), (('T2', None),)),),
    ('', 'Flatten'): ((1, (('axis', 1), ), ('T',), (('T', None),)), (9, (('axis', 1), ), ('T',), (('T', None),)), (11, (('axis', 1), ), ('T',), (('T', None),)), (13, (('axis', 1), ), ('T',), (('T', None),)), (21, (('axis', 1), ), ('T',), (('T', None),)), (23, (('axis', 1), ), ('T',), (('T', None),)), (24, (('axis', 1), ), ('T',), (('T', None),)), (25, (('axis', 1), ), ('T',), (('T', None),)),),
    ('', 'Floor'): ((1, (), ('T',), (('T', None),)), (6, (), ('T',), (('T', None),)), (13, (), ('T',), (('T', None),)),),
    ('', 'GRU'): ((1, (('output_sequence', 0), ('direction', 'foward'), ), ('T', 'T', 'T', 'T', 'T1', 'T'), (('T', None), ('T', None))), (3, (('output_sequence', 0), ('direction', 'forward'), ('linear_before_reset', 0), ), ('T', 'T', 'T', 'T', 'T1', 'T'), (('T', None), ('T', None))), (7, (('direction', 'forward'), ('linear_before_reset', 0), ), ('T', 'T', 'T', 'T', 'T1', 'T'), (('T', None), ('T', None))), (14, (('layout', 0), ('direction', 'forward'), ('linear_before_reset', 0), ), ('T', 'T', 'T', 'T', 'T1', 'T'), (('T', None), ('T', None))), (22, (('layout', 0), ('direction', 'forward'), ('linear_before_reset', 0), ), ('T', 'T', 'T', 'T', 'T1', 'T'), (('T', None), ('T', None))),),
    ('', 'Gather'): ((1, (('axis', 0), ), ('T', 'Tind'), (('T', None),)), (11, (('axis', 0), ), ('T', 'Tind'), (('T', None),)), (13, (('axis', 0), ), ('T', 'Tind'), (('T', None),)),),
    ('', 'GatherElements'): ((11, (('axis', 0), ), ('T', 'Tind'), (('T', None),)), (13, (('axis', 0), ), ('T', 'Tind'), (('T', None),)),),
    ('', 'GatherND'): ((11, (), ('T', 'tensor(int64)'), (('T', None),)), (12, (('batch_dims', 0), ), ('T', 'tensor(int64)'), (('T', None),)), (13, (('batch_dims', 0), ), ('T', 'tensor(int64)'), (('T', None),)),),
    ('', 'Gelu'): ((20, (('approximate', 'none'), ), ('T',), (('T', None),)),),
    ('', 'Gemm'): ((1, (('beta', 1.0), ('broadcast', 0), ('transB', 0), ('alpha', 1.0), ('transA', 0), ), ('T', 'T', 'T'), (('T', None),)), (6, (('beta', 1.0), ('broadcast', 0), ('transB', 0), ('alpha', 1.0), ('transA', 0), ), ('T', 'T', 'T'), (('T', None),)), (7, (('beta', 1.0), ('transB', 0), ('alpha', 1.0), ('transA', 0), ), ('T', 'T', 'T'), (('T', None),)), (9, (('beta', 1.0), ('transB', 0), ('alpha', 1.0), ('transA', 0), ), ('T', 'T', 'T'), (('T', None),)), (11, (('beta', 1.0), ('transB', 0), ('alpha', 1.0), ('transA', 0), ), ('T', 'T', 'T'), (('T', None),)), (13, (('beta', 1.0), ('transB', 0), ('alpha', 1.0), ('transA', 0), ), ('T', 'T', 'T'), (('T', None),)),),
    ('', 'GlobalAveragePool'): ((1, (), ('T',), (('T', None),)), (22, (), ('T',), (('T', None),)),),
    ('', 'GlobalLpPool'): ((1, (('p', 2.0), ), ('T',), (('T', None),)), (2, (('p', 2), ), ('T',), (('T', None),)), (22, (('p', 2), ), ('T',), (('T', None),)),),
    ('', 'GlobalMaxPool'): ((1, (), ('T',), (('T', None),)), (22, (), ('T',), (('T', None),)),),
    ('', 'Greater'): ((1, (('broadcast', 0), ), ('T', 'T'), (('T1', 'bool'),)), (7, (), ('T', 'T'), (('T1', 'bool'),)), (9, (), ('T', 'T'), (('T1', 'bool'),)), (13, (), ('T', 'T'), (('T1', 'bool'),)),),
    ('', 'GreaterOrEqual'): ((12, (), ('T', 'T'), (('T1', 'bool'),)), (16, (), ('T', 'T'), (('T1', 'bool'),)),),
    ('', 'GridSample'): ((16, (('align_corners', 0), ('padding_mode', 'zeros'), ('mode', 'bilinear'), ), ('T1', 'T2'), (('T1', None),)), (20, (('align_corners', 0), ('padding_mode', 'zeros'), ('mode', 'linear'), ), ('T1', 'T2'), (('T1', None),)), (22, (('align_corners', 0), ('padding_mode', 'zeros'), ('mode', 'linear'), ), ('T1', 'T2'), (('T1', None),)),),
    ('', 'GroupNormalization'): ((18, (('epsilon', 9.999999747378752e-06), ), ('T', 'T', 'T'), (('T', None),)), (21, (('stash_type', 1), ('epsilon', 9.999999747378752e-06), ), ('T', 'T', 'T'), (('T', None),)),),
    ('', 'HammingWindow'): ((17, (('periodic', 1), ('output_datatype', 1), ), ('T1',), (('T2', None),)),),
    ('', 'HannWindow'): ((17, (('periodic', 1), ('output_datatype', 1), ), ('T1',), (('T2', None),)),),
    ('', 'HardSigmoid'): ((1, (('beta', 0.5), ('alpha', 0.20000000298023224), ), ('T',), (('T', None),)), (6, (('beta', 0.5), ('alpha', 0.20000000298023224), ), ('T',), (('T', None),)), (22, (('beta', 0.5), ('alpha', 0.20000000298023224), ), ('T',), (('T', None),)),),
    ('', 'HardSwish'): ((14, (), ('T',), (('T', None),)), (22, (), ('T',), (('T', None),)),),
    ('', 'Hardmax'): ((1, (('axis', 1), ), ('T',), (('T', None),)), (11, (('axis', 1), ), ('T',), (('T', None),)), (13, (('axis', -1), ), ('T',), (('T', None),)),),
    ('', 'Identity'): ((1, (), ('T',), (('T', None),)), (13, (), ('T',), (('T', None),)), (14, (), ('V',), (('V', None),)), (16, (), ('V',), (('V', None),)), (19, (), ('V',), (('V', None),)), (21, (), ('V',), (('V', None),)), (23, (), ('V',), (('V', None),)), (24, (), ('V',), (('V', None),)), (25, (), ('V',), (('V', None),)),),
    ('', 'If'): ((1, (), ('B',), (('V', None),)), (11, (), ('B',), (('V', None),)), (13, (), ('B',), (('V', None),)), (16, (), ('B',), (('V', None),)), (19, (), ('B',), (('V', None),)), (21, (), ('B',), (('V', None),)), (23, (), ('B',), (('V', None),)), (24, (), ('B',), (('V', None),)), (25, (), ('B',), (('V', None),)),),
    ('', 'ImageDecoder'): ((20, (('pixel_format', 'RGB'), ), ('T1',), (('T2', 'uint8'),)),),
    ('', 'InstanceNormalization'): ((1, (('epsilon', 9.999999747378752e-06), ), ('T', 'T', 'T'), (('T', None),)), (6, (('epsilon', 9.999999747378752e-06), ), ('T', 'T', 'T'), (('T', None),)), (22, (('epsilon', 9.999999747378752e-06), ), ('T', 'T', 'T'), (('T', None),)),),
    ('', 'IsInf'): ((10, (('detect_negative', 1), ('detect_positive', 1), ), ('T1',), (('T2', 'bool'),)), (20, (('detect_negative', 1), ('detect_positive', 1), ), ('T1',), (('T2', 'bool'),)),),
    ('', 'IsNaN'): ((9, (), ('T1',), (('T2', 'bool'),)), (13, (), ('T1',), (('T2', 'bool'),)), (20, (), ('T1',), (('T2', 'bool'),)),),
    ('', 'LRN'): ((1, (('bias', 1.0), ('beta', 0.75), ('alpha', 9.999999747378752e-05), ), ('T',), (('T', None),)), (13, (('bias', 1.0), ('beta', 0.75), ('alpha', 9.999999747378752e-05), ), ('T',), (('T', None),)),),
    ('', 'LSTM'): ((1, (('output_sequence', 0), ('direction', 'forward'), ('input_forget', 0), ), ('T', 'T', 'T', 'T', 'T1', 'T', 'T', 'T'), (('T', None), ('T', None), ('T', None))), (7, (('direction', 'forward'), ('input_forget', 0), ), ('T', 'T', 'T', 'T', 'T1', 'T', 'T', 'T'), (('T', None), ('T', None), ('T', None))), (14, (('direction', 'forward'), ('input_forget', 0), ('layout', 0), ), ('T', 'T', 'T', 'T', 'T1', 'T', 'T', 'T'), (('T', None), ('T', None), ('T', None))), (22, (('direction', 'forward'), ('input_forget', 0), ('layout', 0), ), ('T', 'T', 'T', 'T', 'T1', 'T', 'T', 'T'), (('T', None), ('T', None), ('T', None))),),
    ('', 'LayerNormalization'): ((17, (('stash_type', 1), ('epsilon', 9.999999747378752e-06), ('axis', -1), ), ('T', 'T', 'T'), (('T', None), ('U', None), ('U', None))),),
    ('', 'LeakyRelu'): ((1, (('alpha', 0.009999999776482582), ), ('T',), (('T', None),)), (6, (('alpha', 0.009999999776482582), ), ('T',), (('T', None),)), (16, (('alpha', 0.009999999776482582), ), ('T',), (('T', None),)),),
    ('', 'Less'): ((1, (('broadcast', 0), ), ('T', 'T'), (('T1', 'bool'),)), (7, (), ('T', 'T'), (('T1', 'bool'),)), (9, (), ('T', 'T'), (('T1', 'bool'),)), (13, (), ('T', 'T'), (('T1', 'bool'),)),),
    ('', 'LessOrEqual'): ((12, (), ('T', 'T'), (('T1', 'bool'),)), (16, (), ('T', 'T'), (('T1', 'bool'),)),),
    ('', 'LinearAttention'): ((27, (('chunk_size', 64), ('scale', 0.0), ('update_rule', 'gated_delta'), ), ('T', 'T', 'T', 'S', 'T', 'T'), (('T', None), ('S', None))),),
    ('', 'Log'): ((1, (), ('T',), (('T', None),)), (6, (), ('T',), (('T', None),)), (13, (), ('T',), (('T', None),)),),
    ('', 'LogSoftmax'): ((1, (('axis', 1), ), ('T',), (('T', None),)), (11, (('axis', 1), ), ('T',), (('T', None),)), (13, (('axis', -1), ), ('T',), (('T', None),)),),
    ('', 'Loop'): ((1, (), ('I', 'B', 'V'), (('V', None),)), (11, (), ('I', 'B', 'V'), (('V', None),)), (13, (), ('I', 'B', 'V'), (('V', None),)), (16, (), ('I', 'B', 'V'), (('V', None),)), (19, (), ('I', 'B', 'V'), (('V', None),)), (21, (), ('I', 'B', 'V'), (('V', None),)), (23, (), ('I', 'B', 'V'), (('V', None),)), (24, (), ('I', 'B', 'V'), (('V', None),)), (25, (), ('I', 'B', 'V'), (('V', None),)),),
    ('', 'LpNormalization'): ((1, (('p', 2), ('axis', -1), ), ('T',), (('T', None),)), (22, (('p', 2), ('axis', -1), ), ('T',), (('T', None),)),),
    ('', 'LpPool'): ((1, (('p', 2.0), ('auto_pad', 'NOTSET'), ), ('T',), (('T', None),)), (2, (('p', 2), ('auto_pad', 'NOTSET'), ), ('T',), (('T', None),)), (11, (('p', 2), ('auto_pad', 'NOTSET'), ), ('T',), (('T', None),)), (18, (('p', 2), ('auto_pad', 'NOTSET'), ('ceil_mode', 0), ), ('T',), (('T', None),)), (22, (('p', 2), ('auto_pad', 'NOTSET'), ('ceil_mode', 0), ), ('T',), (('T', None),)),),
    ('', 'MatMul'): ((1, (), ('T', 'T'), (('T', None),)), (9, (), ('T', 'T'), (('T', None),)), (13, (), ('T', 'T'), (('T', None),)),),
    ('', 'MatMulInteger'): ((10, (), ('T1', 'T2', 'T1', 'T2'), (('T3', 'int32'),)),),
    ('', 'Max'): ((1, (), ('T',), (('T', None),)), (6, (), ('T',), (('T', None),)), (8, (), ('T',), (('T', None),)), (12, (), ('T',), (('T', None),)), (13, (), ('T',), (('T', None),)),),
    ('', 'MaxPool'): ((1, (('auto_pad', 'NOTSET'), ), ('T',), (('T', None),)), (8, (('storage_order', 0), ('auto_pad', 'NOTSET'), ), ('T',), (('T', None), ('I', 'int64'))), (10, (('storage_order', 0), ('ceil_mode', 0), ('auto_pad', 'NOTSET'), ), ('T',), (('T', None), ('I', 'int64'))), (11, (('storage_order', 0), ('ceil_mode', 0), ('auto_pad', 'NOTSET'), ), ('T',), (('T', None), ('I', 'int64'))), (12, (('storage_order', 0), ('ceil_mode', 0), ('auto_pad', 'NOTSET'), ), ('T',), (('T', None), ('I', 'int64'))), (22, (('storage_order', 0), ('ceil_mode', 0), ('auto_pad', 'NOTSET'), ), ('T',), (('T', None), ('I', 'int64'))),),
    ('', 'MaxRoiPool'): ((1, (('spatial_scale', 1.0), ), ('T', 'T'), (('T', None),)), (22, (('spatial_scale', 1.0), ), ('T', 'T'), (('T', None),)),),
    ('', 'MaxUnpool'): ((9, (), ('T1', 'T2', 'T2'), (('T1', None),)), (11, (), ('T1', 'T2', 'T2'), (('T1', None),)), (22, (), ('T1', 'T2', 'T2'), (('T1', None),)),),
    ('', 'Mean'): ((1, (), ('T',), (('T', None),)), (6, (), ('T',), (('T', None),)), (8, (), ('T',), (('T', None),)), (13, (), ('T',), (('T', None),)),),
    ('', 'MeanVarianceNormalization'): ((9, (('axes', [0, 2, 3]), ), ('T',), (('T', None),)), (13, (('axes', [0, 2, 3]), ), ('T',), (('T', None),)),),
    ('', 'MelWeightMatrix'): ((17, (('output_datatype', 1), ), ('T1', 'T1', 'T1', 'T2', 'T2'), (('T3', None),)),),
    ('', 'Min'): ((1, (), ('T',), (('T', None),)), (6, (), ('T',), (('T', None),)), (8, (), ('T',), (('T', None),)), (12, (), ('T',), (('T', None),)), (13, (), ('T',), (('T', None),)),),
    ('', 'Mish'): ((18, (), ('T',), (('T', None),)), (22, (), ('T',), (('T', None),)),),
    ('', 'Mod'): ((10, (('fmod', 0), ), ('T', 'T'), (('T', None),)), (13, (('fmod', 0), ), ('T', 'T'), (('T', None),)), (28, (('fmod', 0), ), ('T', 'T'), (('T', None),)),),
    ('', 'Mul'): ((1, (('broadcast', 0), ), ('T', 'T'), (('T', None),)), (6, (('broadcast', 0), ), ('T', 'T'), (('T', None),)), (7, (), ('T', 'T'), (('T', None),)), (13, (), ('T', 'T'), (('T', None),)), (14, (), ('T', 'T'), (('T', None),)),),
    ('', 'Multinomial'): ((7, (('dtype', 6), ('sample_size', 1), ), ('T1',), (('T2', None),)), (22, (('dtype', 6), ('sample_size', 1), ), ('T1',), (('T2', None),)),),
    ('', 'Neg'): ((1, (), ('T',), (('T', None),)), (6, (), ('T',), (('T', None),)), (13, (), ('T',), (('T', None),)),),
    ('', 'NegativeLogLikelihoodLoss'): ((12, (('reduction', 'mean'), ), ('T', 'Tind', 'T'), (('T', None),)), (13, (('reduction', 'mean'), ), ('T', 'Tind', 'T'), (('T', None),)), (22, (('reduction', 'mean'), ), ('T', 'Tind', 'T'), (('T', None),)),),
    ('', 'NonMaxSuppression'): ((10, (('center_point_box', 0), ), ('tensor(float)', 'tensor(float)', 'tensor(int64)', 'tensor(float)', 'tensor(float)'), (('tensor(int64)', 'int64'),)), (11, (('center_point_box', 0), ), ('tensor(float)', 'tensor(float)', 'tensor(int64)', 'tensor(float)', 'tensor(float)'), (('tensor(int64)', 'int64'),)),),
    ('', 'NonZero'): ((9, (), ('T',), (('tensor(int64)', 'int64'),)), (13, (), ('T',), (('tensor(int64)', 'int64'),)),),
    ('', 'Not'): ((1, (), ('T',), (('T', 'bool'),)),),
    ('', 'OneHot'): ((9, (('axis', -1), ), ('T1', 'T2', 'T3'), (('T3', None),)), (11, (('axis', -1), ), ('T1', 'T2', 'T3'), (('T3', None),)), (28, (('axis', -1), ), ('T1', 'T2', 'T3'), (('T3', None),)),),
    ('', 'Optional'): ((15, (), ('V',), (('O', None),)), (28, (), ('V',), (('O', None),)),),
    ('', 'OptionalGetElement'): ((15, (), ('O',), (('V', None),)), (18, (), ('O',), (('V', None),)), (28, (), ('O',), (('V', None),)),),
    ('', 'OptionalHasElement'): ((15, (), ('O',), (('B', 'bool'),)), (18, (), ('O',), (('B', 'bool'),)), (28, (), ('O',), (('B', 'bool'),)),),
    ('', 'Or'): ((1, (('broadcast', 0), ), ('T', 'T'), (('T1', 'bool'),)), (7, (), ('T', 'T'), (('T1', 'bool'),)),),
    ('', 'PRelu'): ((1, (), ('T', 'T'), (('T', None),)), (6, (), ('T', 'T'), (('T', None),)), (7, (), ('T', 'T'), (('T', None),)), (9, (), ('T', 'T'), (('T', None),)), (16, (), ('T', 'T'), (('T', None),)),),
    ('', 'Pad'): ((1, (('value', 0.0), ('mode', 'constant'), ), ('T',), (('T', None),)), (2, (('value', 0.0), ('mode', 'constant'), ), ('T',), (('T', None),)), (11, (('mode', 'constant'), ), ('T', 'tensor(int64)', 'T'), (('T', None),)), (13, (('mode', 'constant'), ), ('T', 'tensor(int64)', 'T'), (('T', None),)), (18, (('mode', 'constant'), ), ('T', 'tensor(int64)', 'T', 'Tind'), (('T', None),)), (19, (('mode', 'constant'), ), ('T', 'tensor(int64)', 'T', 'Tind'), (('T', None),)), (21, (('mode', 'constant'), ), ('T', 'tensor(int64)', 'T', 'Tind'), (('T', None),)), (23, (('mode', 'constant'), ), ('T', 'tensor(int64)', 'T', 'Tind'), (('T', None),)), (24, (('mode', 'constant'), ), ('T', 'tensor(int64)', 'T', 'Tind'), (('T', None),)), (25, (('mode', 'constant'), ), ('T', 'tensor(int64)', 'T', 'Tind'), (('T', None),)),),
    ('', 'Pow'): ((1, (('broadcast', 0), ), ('T', 'T'), (('T', None),)), (7, (), ('T', 'T'), (('T', None),)), (12, (), ('T', 'T1'), (('T', None),)), (13, (), ('T', 'T1'), (('T', None),)), (15, (), ('T', 'T1'), (('T', None),)),),
    ('', 'QLinearConv'): ((10, (('group', 1), ('auto_pad', 'NOTSET'), ), ('T1', 'tensor(float)', 'T1', 'T2', 'tensor(float)', 'T2', 'tensor(float)', 'T3', 'T4'), (('T3', None),)),),
    ('', 'QLinearMatMul'): ((10, (), ('T1', 'tensor(float)', 'T1', 'T2', 'tensor(float)', 'T2', 'tensor(float)', 'T3'), (('T3', None),)), (21, (), ('T1', 'TS', 'T1', 'T2', 'TS', 'T2', 'TS', 'T3'), (('T3', None),)),),
    ('', 'QuantizeLinear'): ((10, (), ('T1', 'tensor(float)', 'T2'), (('T2', None),)), (13, (('axis', 1), ), ('T1', 'tensor(float)', 'T2'), (('T2', None),)), (19, (('saturate', 1), ('axis', 1), ), ('T1', 'T1', 'T2'), (('T2', None),)), (21, (('output_dtype', 0), ('block_size', 0), ('saturate', 1), ('axis', 1), ), ('T1', 'T1', 'T2'), (('T2', None),)), (23, (('precision', 0), ('output_dtype', 0), ('block_size', 0), ('saturate', 1), ('axis', 1), ), ('T1', 'T2', 'T3'), (('T3', None),)), (24, (('precision', 0), ('output_dtype', 0), ('block_size', 0), ('saturate', 1), ('axis', 1), ), ('T1', 'T2', 'T3'), (('T3', None),)), (25, (('precision', 0), ('output_dtype', 0), ('block_size', 0), ('saturate', 1), ('axis', 1), ), ('T1', 'T2', 'T3'), (('T3', None),)), (28, (('precision', 0), ('output_dtype', 0), ('block_size', 0), ('saturate', 1), ('axis', 1), ), ('T1', 'T2', 'T3'), (('T3', None),)),),
    ('', 'RMSNormalization'): ((23, (('stash_type', 1), ('epsilon', 9.999999747378752e-06), ('axis', -1), ), ('T', 'V'), (('V', None),)),),
    ('', 'RNN'): ((1, (('output_sequence', 0), ('direction', 'forward'), ('activations', ['Tanh', 'Tanh']), ), ('T', 'T', 'T', 'T', 'T1', 'T'), (('T', None), ('T', None))), (7, (('direction', 'forward'), ('activations', ['Tanh', 'Tanh']), ), ('T', 'T', 'T', 'T', 'T1', 'T'), (('T', None), ('T', None))), (14, (('layout', 0), ('direction', 'forward'), ('activations', ['Tanh', 'Tanh']), ), ('T', 'T', 'T', 'T', 'T1', 'T'), (('T', None), ('T', None))), (22, (('layout', 0), ('direction', 'forward'), ('activations', ['Tanh', 'Tanh']), ), ('T', 'T', 'T', 'T', 'T1', 'T'), (('T', None), ('T', None))),),
    ('', 'RandomNormal'): ((1, (('dtype', 1), ('scale', 1.0), ('mean', 0.0), ), (), (('T', None),)), (22, (('dtype', 1), ('scale', 1.0), ('mean', 0.0), ), (), (('T', None),)),),
    ('', 'RandomNormalLike'): ((1, (('scale', 1.0), ('mean', 0.0), ), ('T1',), (('T2', None),)), (22, (('scale', 1.0), ('mean', 0.0), ), ('T1',), (('T2', None),)),),
    ('', 'RandomUniform'): ((1, (('dtype', 1), ('high', 1.0), ('low', 0.0), ), (), (('T', None),)), (22, (('dtype', 1), ('high', 1.0), ('low', 0.0), ), (), (('T', None),)),),
    ('', 'RandomUniformLike'): ((1, (('high', 1.0), ('low', 0.0), ), ('T1',), (('T2', None),)), (22, (('high', 1.0), ('low', 0.0), ), ('T1',), (('T2', None),)),),
    ('', 'Range'): ((11, (), ('T', 'T', 'T'), (('T', None),)), (27, (('stash_type', 1), ), ('T', 'T', 'T'), (('T', None),)),),
    ('', 'Reciprocal'): ((1, (), ('T',), (('T', None),)), (6, (), ('T',), (('T', None),)), (13, (), ('T',), (('T', None),)),),
    ('', 'ReduceL1'): ((1, (('keepdims', 1), ), ('T',), (('T', None),)), (11, (('keepdims', 1), ), ('T',), (('T', None),)), (13, (('keepdims', 1), ), ('T',), (('T', None),)), (18, (('noop_with_empty_axes', 0), ('keepdims', 1), ), ('T', 'tensor(int64)'), (('T', None),)),),
    ('', 'ReduceL2'): ((1, (('keepdims', 1), ), ('T',), (('T', None),)), (11, (('keepdims', 1), ), ('T',), (('T', None),)), (13, (('keepdims', 1), ), ('T',), (('T', None),)), (18, (('noop_with_empty_axes', 0), ('keepdims', 1), ), ('T', 'tensor(int64)'), (('T', None),)),),
    ('', 'ReduceLogSum'): ((1, (('keepdims', 1), ), ('T',), (('T', None),)), (11, (('keepdims', 1), ), ('T',), (('T', None),)), (13, (('keepdims', 1), ), ('T',), (('T', None),)), (18, (('noop_with_empty_axes', 0), ('keepdims', 1), ), ('T', 'tensor(int64)'), (('T', None),)), (28, (('noop_with_empty_axes', 0), ('keepdims', 1), ), ('T', 'tensor(int64)'), (('T', None),)),),
    ('', 'ReduceLogSumExp'): ((1, (('keepdims', 1), ), ('T',), (('T', None),)), (11, (('keepdims', 1), ), ('T',), (('T', None),)), (13, (('keepdims', 1), ), ('T',), (('T', None),)), (18, (('noop_with_empty_axes', 0), ('keepdims', 1), ), ('T', 'tensor(int64)'), (('T', None),)), (28, (('noop_with_empty_axes', 0), ('keepdims', 1), ), ('T', 'tensor(int64)'), (('T', None),)),),
    ('', 'ReduceMax'): ((1, (('keepdims', 1), ), ('T',), (('T', None),)), (11, (('keepdims', 1), ), ('T',), (('T', None),)), (12, (('keepdims', 1), ), ('T',), (('T', None),)), (13, (('keepdims', 1), ), ('T',), (('T', None),)), (18, (('noop_with_empty_axes', 0), ('keepdims', 1), ), ('T', 'tensor(int64)'), (('T', None),)), (20, (('noop_with_empty_axes', 0), ('keepdims', 1), ), ('T', 'tensor(int64)'), (('T', None),)),),
    ('', 'ReduceMean'): ((1, (('keepdims', 1), ), ('T',), (('T', None),)), (11, (('keepdims', 1), ), ('T',), (('T', None),)), (13, (('keepdims', 1), ), ('T',), (('T', None),)), (18, (('noop_with_empty_axes', 0), ('keepdims', 1), ), ('T', 'tensor(int64)'), (('T', None),)),),
    ('', 'ReduceMin'): ((1, (('keepdims', 1), ), ('T',), (('T', None),)), (11, (('keepdims', 1), ), ('T',), (('T', None),)), (12, (('keepdims', 1), ), ('T',), (('T', None),)), (13, (('keepdims', 1), ), ('T',), (('T', None),)), (18, (('noop_with_empty_axes', 0), ('keepdims', 1), ), ('T', 'tensor(int64)'), (('T', None),)), (20, (('noop_with_empty_axes', 0), ('keepdims', 1), ), ('T', 'tensor(int64)'), (('T', None),)),),
    ('', 'ReduceProd'): ((1, (('keepdims', 1), ), ('T',), (('T', None),)), (11, (('keepdims', 1), ), ('T',), (('T', None),)), (13, (('keepdims', 1), ), ('T',), (('T', None),)), (18, (('noop_with_empty_axes', 0), ('keepdims', 1), ), ('T', 'tensor(int64)'), (('T', None),)),),
    ('', 'ReduceSum'): ((1, (('keepdims', 1), ), ('T',), (('T', None),)), (11, (('keepdims', 1), ), ('T',), (('T', None),)), (13, (('noop_with_empty_axes', 0), ('keepdims', 1), ), ('T', 'tensor(int64)'), (('T', None),)),),
    ('', 'ReduceSumSquare'): ((1, (('keepdims', 1), ), ('T',), (('T', None),)), (11, (('keepdims', 1), ), ('T',), (('T', None),)), (13, (('keepdims', 1), ), ('T',), (('T', None),)), (18, (('noop_with_empty_axes', 0), ('keepdims', 1), ), ('T', 'tensor(int64)'), (('T', None),)),),
    ('', 'RegexFullMatch'): ((20, (), ('T1',), (('T2', 'bool'),)),),
    ('', 'Relu'): ((1, (), ('T',), (('T', None),)), (6, (), ('T',), (('T', None),)), (13, (), ('T',), (('T', None),)), (14, (), ('T',), (('T', None),)),),
    ('', 'Reshape'): ((1, (), ('T',), (('T', None),)), (5, (), ('T', 'tensor(int64)'), (('T', None),)), (13, (), ('T', 'tensor(int64)'), (('T', None),)), (14, (('allowzero', 0), ), ('T', 'tensor(int64)'), (('T', None),)), (19, (('allowzero', 0), ), ('T', 'tensor(int64)'), (('T', None),)), (21, (('allowzero', 0), ), ('T', 'tensor(int64)'), (('T', None),)), (23, (('allowzero', 0), ), ('T', 'tensor(int64)'), (('T', None),)), (24, (('allowzero', 0), ), ('T', 'tensor(int64)'), (('T', None),)), (25, (('allowzero', 0), ), ('T', 'tensor(int64)'), (('T', None),)),),
    ('', 'Resize'): ((10, (('mode', 'nearest'), ), ('T', 'tensor(float)'), (('T', None),)), (11, (('extrapolation_value', 0.0), ('exclude_outside', 0), ('nearest_mode', 'round_prefer_floor'), ('coordinate_transformation_mode', 'half_pixel'), ('cubic_coeff_a', -0.75), ('mode', 'nearest'), ), ('T1', 'T2', 'tensor(float)', 'tensor(int64)'), (('T1', None),)), (13, (('extrapolation_value', 0.0), ('exclude_outside', 0), ('nearest_mode', 'round_prefer_floor'), ('coordinate_transformation_mode', 'half_pixel'), ('cubic_coeff_a', -0.75), ('mode', 'nearest'), ), ('T1', 'T2', 'tensor(float)', 'tensor(int64)'), (('T1', None),)), (18, (('keep_aspect_ratio_policy', 'stretch'), ('antialias', 0), ('extrapolation_value', 0.0), ('exclude_outside', 0), ('nearest_mode', 'round_prefer_floor'), ('coordinate_transformation_mode', 'half_pixel'), ('cubic_coeff_a', -0.75), ('mode', 'nearest'), ), ('T1', 'T2', 'tensor(float)', 'tensor(int64)'), (('T1', None),)), (19, (('keep_aspect_ratio_policy', 'stretch'), ('antialias', 0), ('extrapolation_value', 0.0), ('exclude_outside', 0), ('nearest_mode', 'round_prefer_floor'), ('coordinate_transformation_mode', 'half_pixel'), ('cubic_coeff_a', -0.75), ('mode', 'nearest'), ), ('T1', 'T2', 'tensor(float)', 'tensor(int64)'), (('T1', None),)),),
    ('', 'ReverseSequence'): ((10, (('batch_axis', 1), ('time_axis', 0), ), ('T', 'tensor(int64)'), (('T', None),)), (28, (('batch_axis', 1), ('time_axis', 0), ), ('T', 'tensor(int64)'), (('T', None),)),),
    ('', 'RoiAlign'): ((10, (('mode', 'avg'), ('output_height', 1), ('sampling_ratio', 0), ('output_width', 1), ('spatial_scale', 1.0), ), ('T1', 'T1', 'T2'), (('T1', None),)), (16, (('coordinate_transformation_mode', 'half_pixel'), ('mode', 'avg'), ('output_height', 1), ('sampling_ratio', 0), ('output_width', 1), ('spatial_scale', 1.0), ), ('T1', 'T1', 'T2'), (('T1', None),)), (22, (('coordinate_transformation_mode', 'half_pixel'), ('mode', 'avg'), ('output_height', 1), ('sampling_ratio', 0), ('output_width', 1), ('spatial_scale', 1.0), ), ('T1', 'T1', 'T2'), (('T1', None),)),),
    ('', 'RotaryEmbedding'): ((23, (('rotary_embedding_dim', 0), ('interleaved', 0), ), ('T', 'T', 'T', 'M'), (('T', None),)),),
    ('', 'Round'): ((11, (), ('T',), (('T', None),)), (22, (), ('T',), (('T', None),)),),
    ('', 'STFT'): ((17, (('onesided', 1), ), ('T1', 'T2', 'T1', 'T2'), (('T1', None),)),),
    ('', 'Scan'): ((8, (), ('I', 'V'), (('V', None),)), (9, (), ('V',), (('V', None),)), (11, (), ('V',), (('V', None),)), (16, (), ('V',), (('V', None),)), (19, (), ('V',), (('V', None),)), (21, (), ('V',), (('V', None),)), (23, (), ('V',), (('V', None),)), (24, (), ('V',), (('V', None),)), (25, (), ('V',), (('V', None),)),),
    ('', 'Scatter'): ((9, (('axis', 0), ), ('T', 'Tind', 'T'), (('T', None),)), (11, (('axis', 0), ), ('T', 'Tind', 'T'), (('T', None),)),),
    ('', 'ScatterElements'): ((11, (('axis', 0), ), ('T', 'Tind', 'T'), (('T', None),)), (13, (('axis', 0), ), ('T', 'Tind', 'T'), (('T', None),)), (16, (('reduction', 'none'), ('axis', 0), ), ('T', 'Tind', 'T'), (('T', None),)), (18, (('reduction', 'none'), ('axis', 0), ), ('T', 'Tind', 'T'), (('T', None),)),),
    ('', 'ScatterND'): ((11, (), ('T', 'tensor(int64)', 'T'), (('T', None),)), (13, (), ('T', 'tensor(int64)', 'T'), (('T', None),)), (16, (('reduction', 'none'), ), ('T', 'tensor(int64)', 'T'), (('T', None),)), (18, (('reduction', 'none'), ), ('T', 'tensor(int64)', 'T'), (('T', None),)),),
    ('', 'Selu'): ((1, (('gamma', 1.0506999492645264), ('alpha', 1.673200011253357), ), ('T',), (('T', None),)), (6, (('gamma', 1.0507010221481323), ('alpha', 1.6732631921768188), ), ('T',), (('T', None),)), (22, (('gamma', 1.0507010221481323), ('alpha', 1.6732631921768188), ), ('T',), (('T', None),)),),
    ('', 'SequenceAt'): ((11, (), ('S', 'I'), (('T', None),)),),
    ('', 'SequenceConstruct'): ((11, (), ('T',), (('S', None),)),),
    ('', 'SequenceEmpty'): ((11, (), (), (('S', None),)),),
    ('', 'SequenceErase'): ((11, (), ('S', 'I'), (('S', None),)),),
    ('', 'SequenceInsert'): ((11, (), ('S', 'T', 'I'), (('S', None),)),),
    ('', 'SequenceLength'): ((11, (), ('S',), (('I', 'int64'),)),),
    ('', 'SequenceMap'): ((17, (), ('S', 'V'), (('S', None),)),),
    ('', 'Shape'): ((1, (), ('T',), (('T1', 'int64'),)), (13, (), ('T',), (('T1', 'int64'),)), (15, (('start', 0), ), ('T',), (('T1', 'int64'),)), (19, (('start', 0), ), ('T',), (('T1', 'int64'),)), (21, (('start', 0), ), ('T',), (('T1', 'int64'),)), (23, (('start', 0), ), ('T',), (('T1', 'int64'),)), (24, (('start', 0), ), ('T',), (('T1', 'int64'),)), (25, (('start', 0), ), ('T',), (('T1', 'int64'),)),),
    ('', 'Shrink'): ((9, (('bias', 0.0), ('lambd', 0.5), ), ('T',), (('T', None),)),),
    ('', 'Sigmoid'): ((1, (), ('T',), (('T', None),)), (6, (), ('T',), (('T', None),)), (13, (), ('T',), (('T', None),)),),
    ('', 'Sign'): ((9, (), ('T',), (('T', None),)), (13, (), ('T',), (('T', None),)),),
    ('', 'Sin'): ((7, (), ('T',), (('T', None),)), (22, (), ('T',), (('T', None),)),),
    ('', 'Sinh'): ((9, (), ('T',), (('T', None),)), (22, (), ('T',), (('T', None),)),),
    ('', 'Size'): ((1, (), ('T',), (('T1', 'int64'),)), (13, (), ('T',), (('T1', 'int64'),)), (19, (), ('T',), (('T1', 'int64'),)), (21, (), ('T',), (('T1', 'int64'),)), (23, (), ('T',), (('T1', 'int64'),)), (24, (), ('T',), (('T1', 'int64'),)), (25, (), ('T',), (('T1', 'int64'),)),),
    ('', 'Slice'): ((1, (), ('T',), (('T', None),)), (10, (), ('T', 'Tind', 'Tind', 'Tind', 'Tind'), (('T', None),)), (11, (), ('T', 'Tind', 'Tind', 'Tind', 'Tind'), (('T', None),)), (13, (), ('T', 'Tind', 'Tind', 'Tind', 'Tind'), (('T', None),)),),
    ('', 'Softmax'): ((1, (('axis', 1), ), ('T',), (('T', None),)), (11, (('axis', 1), ), ('T',), (('T', None),)), (13, (('axis', -1), ), ('T',), (('T', None),)),),
    ('', 'SoftmaxCrossEntropyLoss'): ((12, (('reduction', 'mean'), ), ('T', 'Tind', 'T'), (('T', None), ('T', None))), (13, (('reduction', 'mean'), ), ('T', 'Tind', 'T'), (('T', None), ('T', None))),),
    ('', 'Softplus'): ((1, (), ('T',), (('T', None),)), (22, (), ('T',), (('T', None),)),),
    ('', 'Softsign'): ((1, (), ('T',), (('T', None),)), (22, (), ('T',), (('T', None),)),),
    ('', 'SpaceToDepth'): ((1, (), ('T',), (('T', None),)), (13, (), ('T',), (('T', None),)), (28, (('mode', 'DCR'), ), ('T',), (('T', None),)),),
    ('', 'Split'): ((1, (), ('T', 'T'), (('T', None),)), (2, (('axis', 0), ), ('T',), (('T', None),)), (11, (('axis', 0), ), ('T',), (('T', None),)), (13, (('axis', 0), ), ('T', 'tensor(int64)'), (('T', None),)), (18, (('axis', 0), ), ('T', 'tensor(int64)'), (('T', None),)),),
    ('', 'SplitToSequence'): ((11, (('keepdims', 1), ('axis', 0), ), ('T', 'I'), (('S', None),)), (24, (('keepdims', 1), ('axis', 0), ), ('T', 'I'), (('S', None),)),),
    ('', 'Sqrt'): ((1, (), ('T',), (('T', None),)), (6, (), ('T',), (('T', None),)), (13, (), ('T',), (('T', None),)),),
    ('', 'Squeeze'): ((1, (), ('T',), (('T', None),)), (11, (), ('T',), (('T', None),)), (13, (), ('T', 'tensor(int64)'), (('T', None),)), (21, (), ('T', 'tensor(int64)'), (('T', None),)), (23, (), ('T', 'tensor(int64)'), (('T', None),)), (24, (), ('T', 'tensor(int64)'), (('T', None),)), (25, (), ('T', 'tensor(int64)'), (('T', None),)),),
    ('', 'StringConcat'): ((20, (), ('T', 'T'), (('T', 'string'),)),),
    ('', 'StringNormalizer'): ((10, (('is_case_sensitive', 0), ('case_change_action', 'NONE'), ), ('tensor(string)',), (('tensor(string)', 'string'),)),),
    ('', 'StringSplit'): ((20, (), ('T1',), (('T2', 'string'), ('T3', 'int64'))),),
    ('', 'Sub'): ((1, (('broadcast', 0), ), ('T', 'T'), (('T', None),)), (6, (('broadcast', 0), ), ('T', 'T'), (('T', None),)), (7, (), ('T', 'T'), (('T', None),)), (13, (), ('T', 'T'), (('T', None),)), (14, (), ('T', 'T'), (('T', None),)),),
    ('', 'Sum'): ((1, (), ('T',), (('T', None),)), (6, (), ('T',), (('T', None),)), (8, (), ('T',), (('T', None),)), (13, (), ('T',), (('T', None),)),),
    ('', 'SwiGLU'): ((28, (('alpha', 1.0), ), ('T', 'T'), (('T', None),)),),
    ('', 'Swish'): ((24, (('alpha', 1.0), ), ('T',), (('T', None),)),),
    ('', 'Tan'): ((7, (), ('T',), (('T', None),)), (22, (), ('T',), (('T', None),)),),
    ('', 'Tanh'): ((1, (), ('T',), (('T', None),)), (6, (), ('T',), (('T', None),)), (13, (), ('T',), (('T', None),)),),
    ('', 'TensorScatter'): ((24, (('mode', 'linear'), ('axis', -2), ), ('T', 'T', 'tensor(int64)'), (('T', None),)),),
    ('', 'TfIdfVectorizer'): ((9, (), ('T',), (('T1', 'float32'),)),),
    ('', 'ThresholdedRelu'): ((10, (('alpha', 1.0), ), ('T',), (('T', None),)), (22, (('alpha', 1.0), ), ('T',), (('T', None),)),),
    ('', 'Tile'): ((1, (), ('T', 'T', 'T'), (('T', None),)), (6, (), ('T', 'T1'), (('T', None),)), (13, (), ('T', 'T1'), (('T', None),)),),
    ('', 'TopK'): ((1, (('axis', -1), ), ('T',), (('T', None), ('I', 'int64'))), (10, (('axis', -1), ), ('T', 'tensor(int64)'), (('T', None), ('I', 'int64'))), (11, (('sorted', 1), ('largest', 1), ('axis', -1), ), ('T', 'tensor(int64)'), (('T', None), ('I', 'int64'))), (24, (('sorted', 1), ('largest', 1), ('axis', -1), ), ('T', 'tensor(int64)'), (('T', None), ('I', 'int64'))),),
    ('', 'Transpose'): ((1, (), ('T',), (('T', None),)), (13, (), ('T',), (('T', None),)), (21, (), ('T',), (('T', None),)), (23, (), ('T',), (('T', None),)), (24, (), ('T',), (('T', None),)), (25, (), ('T',), (('T', None),)),),
    ('', 'Trilu'): ((14, (('upper', 1), ), ('T', 'tensor(int64)'), (('T', None),)),),
    ('', 'Unique'): ((11, (('sorted', 1), ), ('T',), (('T', None), ('tensor(int64)', 'int64'), ('tensor(int64)', 'int64'), ('tensor(int64)', 'int64'))), (28, (('sorted', 1), ), ('T',), (('T', None), ('tensor(int64)', 'int64'), ('tensor(int64)', 'int64'), ('tensor(int64)', 'int64'))),),
    ('', 'Unsqueeze'): ((1, (), ('T',), (('T', None),)), (11, (), ('T',), (('T', None),)), (13, (), ('T', 'tensor(int64)'), (('T', None),)), (21, (), ('T', 'tensor(int64)'), (('T', None),)), (23, (), ('T', 'tensor(int64)'), (('T', None),)), (24, (), ('T', 'tensor(int64)'), (('T', None),)), (25, (), ('T', 'tensor(int64)'), (('T', None),)),),
    ('', 'Upsample'): ((1, (('mode', 'nearest'), ), ('T',), (('T', None),)), (7, (('mode', 'nearest'), ), ('T',), (('T', None),)), (9, (('mode', 'nearest'), ), ('T', 'tensor(float)'), (('T', None),)), (10, (('mode', 'nearest'), ), ('T', 'tensor(float)'), (('T', None),)),),
    ('', 'Where'): ((9, (), ('B', 'T', 'T'), (('T', None),)), (16, (), ('B', 'T', 'T'), (('T', None),)),),
    ('', 'Xor'): ((1, (('broadcast', 0), ), ('T', 'T'), (('T1', 'bool'),)), (7, (), ('T', 'T'), (('T1', 'bool'),)),),
    ('ai.onnx.ml', 'ArrayFeatureExtractor'): ((1, (), ('T', 'tensor(int64)'), (('T', None),)),),
    ('ai.onnx.ml', 'Binarizer'): ((1, (('threshold', 0.0), ), ('T',), (('T', None),)),),
    ('ai.onnx.ml', 'CastMap'): ((1, (('max_map', 1), ('map_form', 'DENSE'), ('cast_to', 'TO_FLOAT'), ), ('T1',), (('T2', None),)),),
    ('ai.onnx.ml', 'CategoryMapper'): ((1, (('default_int64', -1), ('default_string', '_Unused'), ), ('T1',), (('T2', None),)),),
    ('ai.onnx.ml', 'DictVectorizer'): ((1, (), ('T1',), (('T2', None),)),),
    ('ai.onnx.ml', 'FeatureVectorizer'): ((1, (), ('T1',), (('tensor(float)', 'float32'),)),),
    ('ai.onnx.ml', 'Imputer'): ((1, (('replaced_value_int64', 0), ('replaced_value_float', 0.0), ), ('T',), (('T', None),)),),
    ('ai.onnx.ml', 'LabelEncoder'): ((1, (('default_string', '_Unused'), ('default_int64', -1), ), ('T1',), (('T2', None),)), (2, (('default_int64', -1), ('default_float', -0.0), ('default_string', '_Unused'), ), ('T1',), (('T2', None),)), (4, (('default_int64', -1), ('default_float', -0.0), ('default_string', '_Unused'), ), ('T1',), (('T2', None),)),),
    ('ai.onnx.ml', 'LinearClassifier'): ((1, (('post_transform', 'NONE'), ('multi_class', 0), ), ('T1',), (('T2', None), ('tensor(float)', 'float32'))),),
    ('ai.onnx.ml', 'LinearRegressor'): ((1, (('targets', 1), ('post_transform', 'NONE'), ), ('T',), (('tensor(float)', 'float32'),)),),
    ('ai.onnx.ml', 'Normalizer'): ((1, (('norm', 'MAX'), ), ('T',), (('tensor(float)', 'float32'),)),),
    ('ai.onnx.ml', 'OneHotEncoder'): ((1, (('zeros', 1), ), ('T',), (('tensor(float)', 'float32'),)),),
    ('ai.onnx.ml', 'SVMClassifier'): ((1, (('post_transform', 'NONE'), ('kernel_type', 'LINEAR'), ), ('T1',), (('T2', None), ('tensor(float)', 'float32'))),),
    ('ai.onnx.ml', 'SVMRegressor'): ((1, (('n_supports', 0), ('one_class', 0), ('post_transform', 'NONE'), ('kernel_type', 'LINEAR'), ), ('T',), (('tensor(float)', 'float32'),)),),
    ('ai.onnx.ml', 'Scaler'): ((1, (), ('T',), (('tensor(float)', 'float32'),)),),
    ('ai.onnx.ml', 'TreeEnsemble'): ((5, (('aggregate_function', 1), ('post_transform', 0), ), ('T',), (('T', None),)),),
    ('ai.onnx.ml', 'TreeEnsembleClassifier'): ((1, (('post_transform', 'NONE'), ), ('T1',), (('T2', None), ('tensor(float)', 'float32'))), (3, (('post_transform', 'NONE'), ), ('T1',), (('T2', None), ('tensor(float)', 'float32'))), (5, (('post_transform', 'NONE'), ), ('T1',), (('T2', None), ('tensor(float)', 'float32'))),),
    ('ai.onnx.ml', 'TreeEnsembleRegressor'): ((1, (('aggregate_function', 'SUM'), ('post_transform', 'NONE'), ), ('T',), (('tensor(float)', 'float32'),)), (3, (('aggregate_function', 'SUM'), ('post_transform', 'NONE'), ), ('T',), (('tensor(float)', 'float32'),)), (5, (('aggregate_function', 'SUM'), ('post_transform', 'NONE'), ), ('T',), (('tensor(float)', 'float32'),)),),
    ('ai.onnx.ml', 'ZipMap'): ((1, (), ('tensor(float)',), (('T', None),)),),
    ('ai.onnx.preview', 'FlexAttention'): ((1, (), ('T1', 'T1', 'T1'), (('T1', None),)),),
    ('ai.onnx.preview.training', 'Adagrad'): ((1, (('norm_coefficient', 0.0), ('decay_factor', 0.0), ('epsilon', 9.999999974752427e-07), ), ('T1', 'T2', 'T3'), (('T3', None),)),),
    ('ai.onnx.preview.training', 'Adam'): ((1, (('epsilon', 9.999999974752427e-07), ('norm_coefficient_post', 0.0), ('norm_coefficient', 0.0), ('beta', 0.9990000128746033), ('alpha', 0.8999999761581421), ), ('T1', 'T2', 'T3'), (('T3', None),)),),
    ('ai.onnx.preview.training', 'Gradient'): ((1, (), ('T1',), (('T2', None),)),),
    ('ai.onnx.preview.training', 'Momentum'): ((1, (), ('T1', 'T2', 'T3'), (('T3', None),)),),
}  # fmt: skip

def _literal(value: Any) -> str:
    """Python source for a default value (floats that repr cannot spell included)."""
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return repr(value)


def _plain(value: Any) -> bool:
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return isinstance(value, int | float | str)


def render() -> str:
    """This module's source, from the installed onnx."""
    import inspect
    import sys

    import onnx
    import onnx.defs

    from onnxcost.nodes import live_schema_facts

    versions: dict[tuple[str, str], list[str]] = {}
    schemas = sorted(onnx.defs.get_all_schemas_with_history(),
                     key=lambda s: (s.domain, s.name, s.since_version))  # fmt: skip
    for schema in schemas:
        domain = "" if schema.domain == "ai.onnx" else schema.domain
        facts = live_schema_facts(domain, schema.name, schema.since_version)
        if facts is None:
            continue
        if not all(_plain(v) for _, v in facts.defaults):
            entry = f"({schema.since_version},)"
        else:
            defaults = "(" + "".join(f"({n!r}, {_literal(v)}), " for n, v in facts.defaults) + ")"
            entry = f"({schema.since_version}, {defaults}, {facts.inputs!r}, {facts.outputs!r})"
        versions.setdefault((domain, schema.name), []).append(entry)
    module = sys.modules[__name__]
    source = inspect.getsource(module)
    head = source[: source.index("ONNX_VERSION = ")]
    tail = source[source.index("\n\ndef _literal(") :]
    lines = [head + f"ONNX_VERSION = {onnx.__version__!r}",
             "SCHEMAS: dict[tuple[str, str], tuple[tuple[Any, ...], ...]] = {"]  # fmt: skip
    for key, entries in versions.items():
        lines.append(f"    {key!r}: ({', '.join(entries)},),")
    lines.append("}  # fmt: skip")
    return "\n".join(lines) + tail


if __name__ == "__main__":
    print(render(), end="")
