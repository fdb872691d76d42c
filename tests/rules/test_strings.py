"""Hand-worked figures for string ops (one operation per string; a string element is 8 bytes)."""

import pytest

from tests.rules.harness import Case, In, check

CASES = [
    Case("StringConcat", [In("a", (3,), "string"), In("b", (3,), "string")], opset=20,
         # copy: 0 FLOPs; read 2·3·8 = 48 B, written 3·8 = 24 B
         macs=0, flops=0, bytes_read=48, bytes_written=24, status="zero", why="3 pairs joined"),
    Case("StringSplit", [In("x", (3,), "string")], outputs=2, opset=20,
         # cut at delimiters: 0 FLOPs
         macs=0, flops=0, bytes_read=24, status="zero", why="3 strings split"),
    Case("StringNormalizer", [In("x", (1, 4), "string")], opset=10,
         attrs={"stopwords": ["a"], "case_change_action": "LOWER"},
         # 4 strings × (1 stopword lookup + 1 lower-casing) = 8
         macs=0, flops=8, status="estimated", why="4 strings × (stopword + lower)"),
    Case("StringNormalizer", [In("x", (5,), "string")], opset=10,
         # no stopwords, case NONE: nothing to do per string
         macs=0, flops=0, why="defaults: no work"),
    Case("RegexFullMatch", [In("x", (5,), "string")], attrs={"pattern": "a+b"}, opset=20,
         # one match per string: 5
         macs=0, flops=5, status="estimated", why="5 regex matches"),
    Case("TfIdfVectorizer", [In("x", (2, 6), "int32")], opset=9,
         attrs={"mode": "TF", "min_gram_length": 1, "max_gram_length": 2, "max_skip_count": 1,
                "ngram_counts": [0, 4], "ngram_indexes": [0, 1, 2, 3, 4, 5, 6],
                "pool_int64s": [2, 3, 5, 4, 5, 6, 7, 8, 6, 7]},
         out_shapes=[((2, 7), "float32")],
         # per row of 6 tokens: 1-grams 6·(1 + 1) = 12; 2-grams skip 0: 5·(2 + 1) = 15;
         # skip 1: 4·3 = 12 → 39; 2 rows → 78; TF: no weighting
         macs=0, flops=78, status="estimated", why="uni+bigrams, skip ≤ 1: 2·39"),
    Case("TfIdfVectorizer", [In("x", (2, 6), "int32")], opset=9,
         attrs={"mode": "TFIDF", "min_gram_length": 2, "max_gram_length": 2, "max_skip_count": 0,
                "ngram_counts": [0, 0], "ngram_indexes": [0, 1, 2],
                "pool_int64s": [2, 3, 5, 4, 6, 7], "weights": [1.0, 2.0, 3.0]},
         out_shapes=[((2, 3), "float32")],
         # per row: 5 bigrams × 3 = 15 → 30; TFIDF: one scale per output 2·3 = 6 → 36
         macs=0, flops=36, why="bigrams with TFIDF scaling: 30 + 6"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    check(case)
