"""Hand-worked figures for NonMaxSuppression, RoiAlign and MaxRoiPool (estimates by design)."""

import pytest

from tests.rules.harness import Case, In, W, check

CASES = [
    Case("NonMaxSuppression", [In("boxes", (1, 100, 4)), In("scores", (1, 80, 100)),
                               W("limit", (1,), "int64", [10]), W("iou", (1,), value=[0.5]),
                               W("score", (1,), value=[0.05])],
         # per class: IoU pairs min(100·99/2 = 4,950, 100·10 = 1,000) × 13 = 13,000
         # + sort 100 · ⌈log2 100⌉ = 700 + score compares 100 → 13,800; × 80 classes
         # = 1,104,000; box areas 3 · 100 = 300 → 1,104,300
         macs=0, flops=1_104_300, status="estimated", why="COCO 80 classes, 100 boxes, 10 kept"),
    Case("NonMaxSuppression", [In("boxes", (2, 50, 4)), In("scores", (2, 3, 50)),
                               In("limit", (1,), "int64")],
         attrs={"center_point_box": 1},
         # limit not constant: all 50·49/2 = 1,225 pairs × 13 = 15,925 + sort 50·6 = 300
         # → 16,225 per class × 2·3 = 97,350; boxes 2·50 × (area 3 + centre→corner 4) = 700
         macs=0, flops=98_050, status="estimated", why="centre boxes, limit unknown"),
    Case("RoiAlign", [In("x", (1, 256, 50, 50)), In("rois", (100, 4)), In("idx", (100,), "int64")],
         attrs={"output_height": 7, "output_width": 7, "sampling_ratio": 2},
         # outputs 100·256·49 = 1,254,400; 4 samples each: 7 · 4 · 1,254,400 = 35,123,200
         # + avg 4 per output = 5,017,600; sample weights 100·49·4 = 19,600 × 14 = 274,400;
         # per ROI 8 → 800; total 40,416,000
         macs=0, flops=40_416_000, status="ok", why="Mask R-CNN box head 7×7, ratio 2"),
    Case("RoiAlign", [In("x", (1, 4, 10, 10)), In("rois", (2, 4)), In("idx", (2,), "int64")],
         attrs={"output_height": 2, "output_width": 2, "mode": "max"},
         # ratio 0 → 2×2 assumed; outputs 2·4·4 = 32: 7·4·32 = 896 + max 3·32 = 96;
         # weights 2·4·4 = 32 × 14 = 448; ROIs 16 → 1,456
         macs=0, flops=1_456, status="estimated", why="adaptive sampling, max mode"),
    Case("MaxRoiPool", [In("x", (1, 64, 20, 20)), In("rois", (10, 5))], attrs={"pooled_shape": [7, 7]},
         # upper bound: every ROI spans the map: 10·64·400 = 256,000 compares + 8·10 = 80
         macs=0, flops=256_080, status="estimated", why="Fast R-CNN pool, 10 ROIs"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)


def test_nms_without_a_limit_selects_nothing() -> None:
    case = Case("NonMaxSuppression", [In("boxes", (1, 10, 4)), In("scores", (1, 2, 10))],
                # max_output_boxes_per_class absent = 0: no IoU; sort 10·4 = 40 per class
                # × 2 = 80 + areas 3·10 = 30 → 110
                macs=0, flops=110, status="estimated", why="no limit input")
    check(case)
