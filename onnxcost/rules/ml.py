"""ai.onnx.ml: classical models (linear, SVM, tree ensembles) and their feature transforms.

Inputs are X = [N, F] (a 1-D X is one sample). Counting: a multiply-add of a dot product is one
MAC; a compare, add, divide, table lookup or transcendental evaluation is one FLOP. Tree ensembles
are estimates: each sample is charged the deepest root-to-leaf path of every tree (an upper
bound of the compares it makes), plus one add per leaf weight aggregated.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import onnx
from onnx import numpy_helper

from onnxcost.rules.indexing import split_reads
from onnxcost.rules.registry import NodeView, rule
from onnxcost.rules.shape_rules import shape_rule
from onnxcost.symbolic.formulas import product
from onnxcost.types import ML_DOMAIN, Dim, Work

# post_transform → FLOPs per score: LOGISTIC 1/(1+exp(−x)) 4; SOFTMAX max, sub, exp, sum, div 5;
# SOFTMAX_ZERO softmax + a zero test 6; PROBIT √2·erfinv(2p − 1): mul, sub, erfinv, mul 4.
POST_TRANSFORM_FLOPS = {"NONE": 0, "SOFTMAX": 5, "LOGISTIC": 4, "SOFTMAX_ZERO": 6, "PROBIT": 4}
POST_TRANSFORM_CODES = ("NONE", "SOFTMAX", "LOGISTIC", "SOFTMAX_ZERO", "PROBIT")

# SVM kernel FLOPs per evaluation beyond its F MACs: POLY (γ·dot + c0)^d 3; SIGMOID tanh(γ·dot + c0)
# 3; RBF exp(−γ·‖x − s‖²) 2 (plus F subtracts, counted apart).
KERNEL_FLOPS = {"LINEAR": 0, "POLY": 3, "SIGMOID": 3, "RBF": 2}

TREE_NOTE = "upper bound: every sample walks the deepest path of each tree"


def samples(shape: Sequence[Dim]) -> Dim:
    """Rows of X: ∏ dims before the last (1 for a 1-D X)."""
    return product(shape[:-1]) if len(shape) > 1 else 1


def _values(view: NodeView, name: str) -> list[Any]:
    """An attribute as a flat list, from `name` or its tensor form `name_as_tensor`."""
    value = view.attr(name)
    if value is None:
        value = view.attr(f"{name}_as_tensor")
    if isinstance(value, onnx.TensorProto):
        return numpy_helper.to_array(value).reshape(-1).tolist()
    return list(value or [])


def _post(view: NodeView) -> int:
    code = view.attr("post_transform", "NONE")
    name = POST_TRANSFORM_CODES[code] if isinstance(code, int) else str(code)
    return POST_TRANSFORM_FLOPS[name]


def _classes(view: NodeView) -> int:
    return len(_values(view, "classlabels_ints") or _values(view, "classlabels_int64s")
               or _values(view, "classlabels_strings"))  # fmt: skip


@rule("LinearClassifier", domain=ML_DOMAIN)
def linear_classifier(view: NodeView) -> Work:
    """MACs = N·F·C (= N·|coefficients|); FLOPs = 2·MACs + N·C·(intercept 1 + argmax 1 + post_transform)."""
    rows = samples(view.in_shape(0))
    coefficients = len(_values(view, "coefficients"))
    intercepts = len(_values(view, "intercepts"))
    scores = intercepts or coefficients // view.in_shape(0)[-1]
    macs = rows * coefficients
    per_score = int(intercepts > 0) + 1 + _post(view)
    return Work(macs=macs, flops=2 * macs + rows * scores * per_score)


@rule("LinearRegressor", domain=ML_DOMAIN)
def linear_regressor(view: NodeView) -> Work:
    """MACs = N·F·T (= N·|coefficients|); FLOPs = 2·MACs + N·T·(intercept 1 + post_transform)."""
    rows = samples(view.in_shape(0))
    targets = int(view.attr("targets", 1))
    macs = rows * len(_values(view, "coefficients"))
    per_target = int(bool(_values(view, "intercepts"))) + _post(view)
    return Work(macs=macs, flops=2 * macs + rows * targets * per_target)


def _kernel_flops(view: NodeView, features: Dim) -> Dim:
    kernel = str(view.attr("kernel_type", "LINEAR"))
    return KERNEL_FLOPS[kernel] + (features if kernel == "RBF" else 0)


@rule("SVMClassifier", domain=ML_DOMAIN)
def svm_classifier(view: NodeView) -> Work:
    """MACs = N·S·F (kernels) + N·(C−1)·S (one-vs-one sums); FLOPs = 2·MACs + kernel, vote, argmax, post."""
    x = view.in_shape(0)
    rows, features = samples(x), x[-1]
    per_class = [int(v) for v in _values(view, "vectors_per_class")]
    support = sum(per_class)
    classes = _classes(view)
    if support == 0:  # linear SVM: one coefficient row per class
        macs = rows * len(_values(view, "coefficients"))
        scores = len(_values(view, "rho")) or classes
        return Work(macs=macs, flops=2 * macs + rows * scores * (2 + _post(view)))
    pairs = len(per_class) * (len(per_class) - 1) // 2
    macs = rows * support * features + rows * (len(per_class) - 1) * support
    flops = 2 * macs + rows * support * _kernel_flops(view, features)
    flops += rows * (2 * pairs + classes + classes * _post(view))  # rho, vote, argmax, post
    note = ""
    if _values(view, "prob_a"):
        flops += rows * pairs * 6  # Platt scaling: sigmoid(A·f + B)
        note = "pairwise probability coupling not counted"
    return Work(macs=macs, flops=flops, status="estimated" if note else "ok", note=note)


@rule("SVMRegressor", domain=ML_DOMAIN)
def svm_regressor(view: NodeView) -> Work:
    """MACs = N·S·F (kernels) + N·S (coefficients); FLOPs = 2·MACs + N·S·kernel FLOPs + N·(rho + post)."""
    x = view.in_shape(0)
    rows, features = samples(x), x[-1]
    support = int(view.attr("n_supports", 0))
    if support == 0:  # linear: one coefficient per feature
        macs = rows * len(_values(view, "coefficients"))
        return Work(macs=macs, flops=2 * macs + rows * (1 + _post(view)))
    macs = rows * support * features + rows * support
    flops = 2 * macs + rows * support * _kernel_flops(view, features) + rows * (1 + _post(view))
    return Work(macs=macs, flops=flops)


def tree_depths(trees: Sequence[int], nodes: Sequence[int], modes: Sequence[str],
                true_ids: Sequence[int], false_ids: Sequence[int]) -> dict[int, int]:  # fmt: skip
    """Tree id → compares on its deepest root-to-leaf path (nodes_* arrays of the old tree ops)."""
    children: dict[int, dict[int, tuple[int, int] | None]] = {}
    for tree, node, mode, yes, no in zip(trees, nodes, modes, true_ids, false_ids, strict=False):
        children.setdefault(tree, {})[node] = None if mode == "LEAF" else (yes, no)
    depths = {}
    for tree, table in children.items():
        referenced = {c for pair in table.values() if pair for c in pair}
        roots = [n for n in table if n not in referenced] or [min(table)]
        depths[tree] = _deepest(roots[0], lambda n, t=table: t.get(n))
    return depths


def _deepest(root: int, branches) -> int:
    """Branch nodes on the longest path from `root` (iterative; a cycle is a ValueError)."""
    depth: dict[int, int] = {}
    stack: list[tuple[int, bool]] = [(root, False)]
    active: set[int] = set()
    while stack:
        node, done = stack.pop()
        pair = branches(node)
        if pair is None:
            depth[node] = 0
            continue
        if done:
            active.discard(node)
            depth[node] = 1 + max(depth[pair[0]], depth[pair[1]])
            continue
        if node in active:
            raise ValueError(f"tree node {node} is its own ancestor")
        active.add(node)
        stack.append((node, True))
        stack.extend((c, False) for c in pair if c not in depth)
    return depth[root]


def _leaf_weights(tree_ids: Sequence[int], node_ids: Sequence[int]) -> dict[int, int]:
    """Tree id → the most weights any one of its leaves carries."""
    per_leaf: dict[tuple[int, int], int] = {}
    for tree, node in zip(tree_ids, node_ids, strict=False):
        per_leaf[(tree, node)] = per_leaf.get((tree, node), 0) + 1
    most: dict[int, int] = {}
    for (tree, _), count in per_leaf.items():
        most[tree] = max(most.get(tree, 0), count)
    return most


def _legacy_tree_work(view: NodeView, weights: str, outputs: int, extra_per_output: int) -> Work:
    """N·(Σ deepest path + Σ leaf weights) + N·outputs·(base + average + extra + post)."""
    depths = tree_depths(
        [int(v) for v in _values(view, "nodes_treeids")],
        [int(v) for v in _values(view, "nodes_nodeids")],
        [str(v) for v in _values(view, "nodes_modes")],
        [int(v) for v in _values(view, "nodes_truenodeids")],
        [int(v) for v in _values(view, "nodes_falsenodeids")],
    )
    adds = _leaf_weights(
        [int(v) for v in _values(view, f"{weights}_treeids")],
        [int(v) for v in _values(view, f"{weights}_nodeids")],
    )
    rows = samples(view.in_shape(0))
    per_output = int(bool(_values(view, "base_values"))) + extra_per_output + _post(view)
    per_output += int(str(view.attr("aggregate_function", "SUM")) == "AVERAGE")
    per_sample = sum(depths.values()) + sum(adds.values()) + outputs * per_output
    return Work(flops=rows * per_sample, status="estimated", note=TREE_NOTE)


@rule("TreeEnsembleRegressor", domain=ML_DOMAIN)
def tree_ensemble_regressor(view: NodeView) -> Work:
    """FLOPs ≈ N·(Σ_trees deepest path + Σ_trees leaf weights) + N·T·(base + average + post)."""
    return _legacy_tree_work(view, "target", int(view.attr("n_targets")), 0)


@rule("TreeEnsembleClassifier", domain=ML_DOMAIN)
def tree_ensemble_classifier(view: NodeView) -> Work:
    """FLOPs ≈ N·(Σ_trees deepest path + Σ_trees leaf weights) + N·C·(base + argmax + post)."""
    return _legacy_tree_work(view, "class", _classes(view), 1)


@rule("TreeEnsemble", domain=ML_DOMAIN)
def tree_ensemble(view: NodeView) -> Work:
    """FLOPs ≈ N·(Σ_trees deepest path + trees (one leaf weight each)) + N·T·(average + post)."""
    true_ids = [int(v) for v in _values(view, "nodes_truenodeids")]
    false_ids = [int(v) for v in _values(view, "nodes_falsenodeids")]
    true_leaf = [int(v) for v in _values(view, "nodes_trueleafs")]
    false_leaf = [int(v) for v in _values(view, "nodes_falseleafs")]

    def branches(node: int) -> tuple[int, int] | None:
        if node < 0:  # a leaf, encoded as −1 − leaf index
            return None
        yes = -1 - true_ids[node] if true_leaf[node] else true_ids[node]
        no = -1 - false_ids[node] if false_leaf[node] else false_ids[node]
        return (yes, no)

    roots = [int(v) for v in _values(view, "tree_roots")]
    deepest = sum(_deepest(root, branches) for root in roots)
    rows = samples(view.in_shape(0))
    per_output = _post(view) + int(int(view.attr("aggregate_function", 1)) == 0)
    flops = rows * (deepest + len(roots) + int(view.attr("n_targets")) * per_output)
    return Work(flops=flops, status="estimated", note=TREE_NOTE)


def _per_element(view: NodeView, flops: int, note: str = "") -> Work:
    return Work(flops=flops * view.in_numel(0), status="estimated" if note else "ok", note=note)


@rule("Binarizer", domain=ML_DOMAIN)
def binarizer(view: NodeView) -> Work:
    """FLOPs = elements (x > threshold)."""
    return _per_element(view, 1)


@rule("Imputer", domain=ML_DOMAIN)
def imputer(view: NodeView) -> Work:
    """FLOPs = 2 × elements: compare with the replaced value, select."""
    return _per_element(view, 2)


@rule("Scaler", domain=ML_DOMAIN)
def scaler(view: NodeView) -> Work:
    """FLOPs = 2 × elements: (x − offset) · scale."""
    return _per_element(view, 2)


@rule("Normalizer", domain=ML_DOMAIN)
def normalizer(view: NodeView) -> Work:
    """FLOPs per element: MAX 2 (max, divide), L1 3 (abs, sum, divide), L2 4 (square, sum, divide, sqrt)."""
    return _per_element(view, {"MAX": 2, "L1": 3, "L2": 4}[str(view.attr("norm", "MAX"))])


LOOKUP_NOTE = "one table lookup per element"


@rule("LabelEncoder", "CategoryMapper", domain=ML_DOMAIN)
def lookup(view: NodeView) -> Work:
    """FLOPs = elements (one table lookup each)."""
    return _per_element(view, 1, LOOKUP_NOTE)


@rule("OneHotEncoder", domain=ML_DOMAIN)
def one_hot_encoder(view: NodeView) -> Work:
    """FLOPs = input elements (one category lookup each); the one-hot rows are a fill."""
    return _per_element(view, 1, LOOKUP_NOTE)


@rule("ArrayFeatureExtractor", domain=ML_DOMAIN)
def array_feature_extractor(view: NodeView) -> Work:
    """0 FLOPs; reads the indices and the selected elements (= output elements), writes the output."""
    out = view.output(0).nbytes
    indices = view.input(1).nbytes if view.input(1).shape is not None else 0
    activations, weights = split_reads(view, [(0, out), (1, indices)])
    return Work(status="zero", bytes_read_activations=activations, bytes_read_weights=weights)


@rule("FeatureVectorizer", domain=ML_DOMAIN)
def feature_vectorizer(view: NodeView) -> Work:
    """0 FLOPs; a concatenation: each input read once, the output written once."""
    return Work(status="zero")


@rule("DictVectorizer", domain=ML_DOMAIN)
def dict_vectorizer(view: NodeView) -> Work:
    """FLOPs ≤ vocabulary size (one lookup per map entry; a map has at most that many keys)."""
    vocabulary = len(_values(view, "int64_vocabulary") or _values(view, "string_vocabulary"))
    return Work(flops=vocabulary, status="estimated", note="map size unknown: upper bound")


@rule("CastMap", domain=ML_DOMAIN)
def cast_map(view: NodeView) -> Work:
    """0 FLOPs; map values copied into a tensor (the map's bytes are unknown, the output's are written)."""
    return Work(status="zero", note="map size unknown: only the output counted")


@rule("ZipMap", domain=ML_DOMAIN)
def zip_map(view: NodeView) -> Work:
    """0 FLOPs; the scores read once into a sequence of maps (whose bytes are unknown)."""
    return Work(status="zero", note="sequence of maps: written bytes not counted", bytes_written=0)


# Output shapes that ONNX inference leaves open (several ml schemas infer types only).


def _rows_of(x: tuple[Dim, ...] | None) -> Dim | None:
    if x is None:
        return None
    return x[0] if len(x) > 1 else 1


@shape_rule("Binarizer", "Imputer", "Scaler", "Normalizer", "LabelEncoder", "CategoryMapper",
            domain=ML_DOMAIN)  # fmt: skip
def _same_shape(node, shapes, values):
    return [shapes[0]]


@shape_rule("LinearRegressor", "SVMRegressor", "TreeEnsembleRegressor", "TreeEnsemble",
            domain=ML_DOMAIN)  # fmt: skip
def _regression_shape(node, shapes, values):
    rows = _rows_of(shapes[0])
    width = int(node.attrs.get("targets") or node.attrs.get("n_targets") or 1)
    return [None if rows is None else (rows, width)]


def _class_count(node) -> int:
    attrs = node.attrs
    labels = attrs.get("classlabels_ints") or attrs.get("classlabels_int64s")
    return len(labels or attrs.get("classlabels_strings") or [])


@shape_rule("LinearClassifier", "SVMClassifier", "TreeEnsembleClassifier", domain=ML_DOMAIN)
def _classifier_shape(node, shapes, values):
    rows = _rows_of(shapes[0])
    if rows is None:
        return [None, None]
    return [(rows,), (rows, _class_count(node))]


@shape_rule("FeatureVectorizer", domain=ML_DOMAIN)
def _feature_vectorizer_shape(node, shapes, values):
    rows = _rows_of(shapes[0])
    return [None if rows is None else (rows, sum(int(d) for d in node.attrs["inputdimensions"]))]


@shape_rule("OneHotEncoder", domain=ML_DOMAIN)
def _one_hot_encoder_shape(node, shapes, values):
    categories = node.attrs.get("cats_int64s") or node.attrs.get("cats_strings") or []
    return [None if shapes[0] is None else (*shapes[0], len(categories))]


@shape_rule("ArrayFeatureExtractor", domain=ML_DOMAIN)
def _array_feature_extractor_shape(node, shapes, values):
    x, indices = shapes[0], shapes[1]
    if x is None or indices is None:
        return [None]
    return [(*x[:-1], product(indices))]


@shape_rule("DictVectorizer", domain=ML_DOMAIN)
def _dict_vectorizer_shape(node, shapes, values):
    vocabulary = node.attrs.get("int64_vocabulary") or node.attrs.get("string_vocabulary") or []
    return [(len(vocabulary),)]


@shape_rule("CastMap", domain=ML_DOMAIN)
def _cast_map_shape(node, shapes, values):
    if node.attrs.get("map_form", "DENSE") == "SPARSE":
        return [(1, int(node.attrs.get("max_map", 1)))]
    return [None]
