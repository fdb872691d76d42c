"""Hand-worked figures for ai.onnx.ml: linear models, SVMs, tree ensembles and feature transforms."""

import numpy as np
import pytest
from onnx import TensorProto, helper

from tests.rules.harness import Case, In, W, check

ML = "ai.onnx.ml"
V3 = {ML: 3}

# Two trees: tree 0 = one split (depth 1, leaves 1 and 2); tree 1 = root → (node 1, leaf 2),
# node 1 → (leaf 3, leaf 4) (depth 2). Every leaf carries one weight.
TREES = {
    "nodes_treeids": [0, 0, 0, 1, 1, 1, 1, 1],
    "nodes_nodeids": [0, 1, 2, 0, 1, 2, 3, 4],
    "nodes_featureids": [0, 0, 0, 1, 2, 0, 0, 0],
    "nodes_modes": ["BRANCH_LEQ", "LEAF", "LEAF", "BRANCH_LT", "BRANCH_GT", "LEAF", "LEAF", "LEAF"],
    "nodes_values": [0.5, 0, 0, 1.5, 2.5, 0, 0, 0],
    "nodes_truenodeids": [1, 0, 0, 1, 3, 0, 0, 0],
    "nodes_falsenodeids": [2, 0, 0, 2, 4, 0, 0, 0],
}
LEAVES = {"treeids": [0, 0, 1, 1, 1], "nodeids": [1, 2, 2, 3, 4], "weights": [1.0, 2.0, 3.0, 4.0, 5.0]}


def _tensor(name: str, kind: int, values: list) -> TensorProto:
    return helper.make_tensor(name, kind, (len(values),), np.asarray(values))


CASES = [
    Case("ArrayFeatureExtractor", [In("x", (3, 4)), W("i", (2,), "int64", [1, 3])],
         domain=ML, extra_opsets=V3,
         # output (3, 2) = 6 floats: read 24 gathered + 16 indices = 40 B, written 24 B
         macs=0, flops=0, bytes_read=40, bytes_written=24, status="zero", why="2 of 4 columns"),
    Case("Binarizer", [In("x", (3, 5))], domain=ML, extra_opsets=V3, attrs={"threshold": 0.5},
         # one compare per element: 15
         macs=0, flops=15, why="15 compares"),
    Case("CastMap", [In("m", (), "map(int64,float32)")], domain=ML, extra_opsets=V3,
         attrs={"map_form": "SPARSE", "max_map": 5},
         # sparse packing: output (1, 5) float = 20 B written; the map's bytes are unknown
         macs=0, flops=0, bytes_read=0, bytes_written=20, status="zero", why="sparse map → (1, 5)"),
    Case("CategoryMapper", [In("x", (4,), "string")], domain=ML, extra_opsets=V3,
         attrs={"cats_strings": ["a", "b"], "cats_int64s": [1, 2]},
         # one lookup per element: 4
         macs=0, flops=4, status="estimated", why="4 string → int lookups"),
    Case("DictVectorizer", [In("m", (), "map(string,float32)")], domain=ML, extra_opsets=V3,
         attrs={"string_vocabulary": ["a", "b", "c"]},
         # at most 3 keys looked up; output (3,) float = 12 B written
         macs=0, flops=3, bytes_written=12, status="estimated", why="vocabulary of 3"),
    Case("FeatureVectorizer", [In("a", (2, 3)), In("b", (2, 2))], domain=ML, extra_opsets=V3,
         attrs={"inputdimensions": [3, 2]},
         # concatenation into (2, 5): read 24 + 16 = 40 B, written 40 B
         macs=0, flops=0, bytes_read=40, bytes_written=40, why="(2, 3) ‖ (2, 2) → (2, 5)"),
    Case("Imputer", [In("x", (2, 4))], domain=ML, extra_opsets=V3,
         attrs={"imputed_value_floats": [0.0], "replaced_value_float": float("nan")},
         # compare + select per element: 2·8 = 16
         macs=0, flops=16, why="8 elements × 2"),
    Case("LabelEncoder", [In("x", (5,), "string")], domain=ML, extra_opsets={ML: 2},
         attrs={"keys_strings": ["a", "b"], "values_int64s": [0, 1]},
         # one lookup per element: 5; reads 5·8 B strings, writes 5 int64 = 40 B
         macs=0, flops=5, bytes_read=40, bytes_written=40, status="estimated", why="5 lookups"),
    Case("LinearClassifier", [In("x", (10, 4))], domain=ML, extra_opsets=V3, outputs=2,
         attrs={"coefficients": [0.1] * 12, "intercepts": [0.0, 1.0, 2.0],
                "classlabels_ints": [0, 1, 2], "post_transform": "SOFTMAX"},
         # MACs = N·F·C = 10·4·3 = 120; FLOPs = 240 + 10·3·(intercept 1 + argmax 1 + softmax 5)
         # = 240 + 210 = 450
         macs=120, flops=450, why="10 samples, 4 features, 3 classes, softmax"),
    Case("LinearRegressor", [In("x", (10, 4))], domain=ML, extra_opsets=V3,
         attrs={"coefficients": [0.5] * 8, "intercepts": [1.0, 2.0], "targets": 2},
         # MACs = 10·4·2 = 80; FLOPs = 160 + 10·2 intercepts = 180; output (10, 2) = 80 B
         macs=80, flops=180, bytes_written=80, why="10 samples, 4 features, 2 targets"),
    Case("Normalizer", [In("x", (3, 4))], domain=ML, extra_opsets=V3, attrs={"norm": "L2"},
         # L2: square, sum, divide, sqrt per element: 4·12 = 48
         macs=0, flops=48, why="L2 over 12 elements"),
    Case("Normalizer", [In("x", (3, 4))], domain=ML, extra_opsets=V3,
         # MAX (default): compare, divide per element: 2·12 = 24
         macs=0, flops=24, why="MAX over 12 elements"),
    Case("OneHotEncoder", [In("x", (2, 3), "int64")], domain=ML, extra_opsets=V3,
         attrs={"cats_int64s": [1, 2, 3, 4]},
         # 6 lookups; output (2, 3, 4) float = 96 B written
         macs=0, flops=6, bytes_written=96, status="estimated", why="6 values, 4 categories"),
    Case("SVMClassifier", [In("x", (5, 4))], domain=ML, extra_opsets=V3, outputs=2,
         attrs={"kernel_type": "RBF", "kernel_params": [0.1, 0.0, 3.0],
                "vectors_per_class": [2, 3, 1], "support_vectors": [0.5] * 24,
                "coefficients": [1.0] * 12, "rho": [0.1, 0.2, 0.3], "classlabels_ints": [0, 1, 2]},
         # S = 6, F = 4, C = 3, pairs = 3. Kernels 5·6·4 = 120 MACs; one-vs-one sums
         # 5·(3−1)·6 = 60 MACs → 180 MACs. FLOPs = 360 + RBF 5·6·(4 subtracts + 2) = 180
         # + 5·(rho 3 + votes 3 + argmax 3) = 45 → 585
         macs=180, flops=585, why="RBF SVC: 6 SVs, 3 classes"),
    Case("SVMClassifier", [In("x", (5, 4))], domain=ML, extra_opsets=V3, outputs=2,
         attrs={"coefficients": [1.0] * 12, "rho": [0.1, 0.2, 0.3], "classlabels_ints": [0, 1, 2]},
         # linear SVM: MACs = 5·12 = 60; FLOPs = 120 + 5·3·(rho + argmax) = 150
         macs=60, flops=150, why="linear SVC: 3 rows of 4"),
    Case("SVMRegressor", [In("x", (5, 4))], domain=ML, extra_opsets=V3,
         attrs={"kernel_type": "POLY", "kernel_params": [0.1, 1.0, 2.0], "n_supports": 3,
                "support_vectors": [0.5] * 12, "coefficients": [1.0] * 3, "rho": [0.5]},
         # MACs = 5·3·4 (kernels) + 5·3 (coefficients) = 75; FLOPs = 150 + POLY 5·3·3 = 45
         # + rho 5 = 200
         macs=75, flops=200, why="POLY SVR: 3 SVs, 4 features"),
    Case("Scaler", [In("x", (2, 3))], domain=ML, extra_opsets=V3,
         attrs={"offset": [0.0, 1.0, 2.0], "scale": [1.0, 2.0, 3.0]},
         # subtract, multiply per element: 12
         macs=0, flops=12, why="6 elements × 2"),
    Case("TreeEnsembleClassifier", [In("x", (4, 3))], domain=ML, extra_opsets=V3, outputs=2,
         attrs={**TREES, "class_treeids": LEAVES["treeids"], "class_nodeids": LEAVES["nodeids"],
                "class_ids": [0, 1, 0, 1, 1], "class_weights": LEAVES["weights"],
                "classlabels_int64s": [0, 1]},
         # per sample: deepest paths 1 + 2 = 3 compares, 1 weight per tree = 2 adds,
         # argmax over 2 classes = 2 → 7; 4 samples → 28
         macs=0, flops=28, status="estimated", why="2 trees (depth 1, 2), 2 classes"),
    Case("TreeEnsembleRegressor", [In("x", (2, 3))], domain=ML, extra_opsets=V3,
         attrs={**TREES, "target_treeids": LEAVES["treeids"], "target_nodeids": LEAVES["nodeids"],
                "target_ids": [0] * 5, "target_weights": LEAVES["weights"], "n_targets": 1,
                "aggregate_function": "AVERAGE", "base_values": [0.5]},
         # per sample: 3 compares + 2 adds + 1 target·(base 1 + average 1) = 7; 2 samples → 14
         macs=0, flops=14, why="2 trees averaged, base value"),
    Case("TreeEnsemble", [In("x", (3, 2), "float64")], domain=ML, extra_opsets={ML: 5},
         attrs={"n_targets": 2, "aggregate_function": 1, "post_transform": 0, "tree_roots": [0],
                "nodes_modes": _tensor("m", TensorProto.UINT8, [0, 0, 0]),
                "nodes_featureids": [0, 0, 0],
                "nodes_splits": _tensor("s", TensorProto.DOUBLE, [3.14, 1.2, 4.2]),
                "nodes_truenodeids": [1, 0, 1], "nodes_trueleafs": [0, 1, 1],
                "nodes_falsenodeids": [2, 2, 3], "nodes_falseleafs": [0, 1, 1],
                "leaf_targetids": [0, 1, 0, 1],
                "leaf_weights": _tensor("w", TensorProto.DOUBLE, [5.2, 12.1, -12.2, 7.2])},
         # root → nodes 1 and 2, both with two leaves: depth 2; + 1 leaf weight → 3 per
         # sample; 3 samples → 9
         macs=0, flops=9, status="estimated", why="one tree of depth 2, 3 samples"),
    Case("ZipMap", [In("x", (2, 3))], domain=ML, extra_opsets=V3,
         attrs={"classlabels_int64s": [0, 1, 2]},
         # scores read (24 B) into maps of unknown size (0 B counted)
         macs=0, flops=0, bytes_read=24, bytes_written=0, why="2 rows of 3 scores"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)
