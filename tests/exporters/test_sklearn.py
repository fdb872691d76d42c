"""scikit-learn pipelines converted by skl2onnx (ai.onnx.ml operators): every node costed."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
import skl2onnx
import sklearn  # noqa: F401
from sklearn.ensemble import GradientBoostingRegressor, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from tests.exporters.common import analyze_clean, op_types

RNG = np.random.default_rng(0)
X = RNG.standard_normal((60, 4)).astype(np.float32)
LABELS = (X[:, 0] + X[:, 1] > 0).astype(np.int64)


def _models():
    return {
        "scaler_logistic": (make_pipeline(StandardScaler(), LogisticRegression()).fit(X, LABELS),
                            {"Scaler", "LinearClassifier"}),
        "random_forest": (RandomForestClassifier(n_estimators=3, max_depth=3, random_state=0)
                          .fit(X, LABELS), {"TreeEnsembleClassifier"}),
        "gradient_boosting": (GradientBoostingRegressor(n_estimators=3, max_depth=2, random_state=0)
                              .fit(X, X[:, 2]), {"TreeEnsembleRegressor"}),
        "svc": (SVC().fit(X, LABELS), {"SVMClassifier"}),
    }  # fmt: skip


@pytest.mark.parametrize("name", ["scaler_logistic", "random_forest", "gradient_boosting", "svc"])
def test_sklearn_pipeline_is_fully_costed(name: str, tmp_path) -> None:
    estimator, ml_ops = _models()[name]
    options = {id(estimator): {"zipmap": False}} if hasattr(estimator, "classes_") else None
    model = skl2onnx.to_onnx(estimator, X[:1], options=options)
    path = tmp_path / f"{name}.onnx"
    onnx.save(model, str(path))
    assert {("ai.onnx.ml", op) for op in ml_ops} <= set(op_types(path))
    report = analyze_clean(path)
    assert report.totals.flops > 0
