"""Compute the reference figures of every corpus model and write them into models.toml."""

from __future__ import annotations

import sys
from pathlib import Path

import onnx

sys.path.insert(0, str(Path(__file__).parent))
from fetch import MODELS_TOML, fetch, load_models
from reference import core_macs, int_weight_params, params

MANAGED = ("params", "int_weight_params", "core_macs", "core_ops", "macs_note")


def references(model: dict, path: Path) -> dict[str, object]:
    """The reference keys of one model."""
    loaded = onnx.load(str(path))
    macs = core_macs(path, model["inputs"], model.get("int_high"), model.get("fill"))
    out: dict[str, object] = {"params": params(loaded), "int_weight_params": int_weight_params(loaded)}
    if macs["covered"]:
        out["core_macs"] = macs["core_macs"]
        out["core_ops"] = macs["core_ops"]
    note = ", ".join(f"{op} {n}" for op, n in sorted(macs["per_op"].items()))  # type: ignore[attr-defined]
    if macs["inlined_ifs"]:
        note += f"; {macs['inlined_ifs']} If node(s) inlined as onnxruntime took them"
    if not macs["covered"]:
        note += "; MAC ops left inside subgraphs: core_macs omitted"
    out["macs_note"] = note
    return out


def _toml(value: object) -> str:
    """A TOML literal for an int, a string or a list of strings."""
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return f'"{value}"' if isinstance(value, str) else str(value)


def rewrite(text: str, figures: dict[str, dict[str, object]]) -> str:
    """models.toml with the managed keys of each [[model]] block replaced by figures[id]."""
    blocks = text.split("[[model]]\n")
    for i, block in enumerate(blocks[1:], start=1):
        lines = [ln for ln in block.rstrip("\n").split("\n") if ln.split(" = ")[0] not in MANAGED]
        model_id = next(ln.split(" = ")[1].strip('"') for ln in lines if ln.startswith("id = "))
        lines += [f"{key} = {_toml(value)}" for key, value in figures[model_id].items()]
        blocks[i] = "\n".join(lines) + "\n\n"
    return "[[model]]\n".join(blocks).rstrip("\n") + "\n"


def main() -> None:
    """Fetch the corpus, compute every model's references, update models.toml and print them."""
    paths = fetch()
    figures = {}
    for model in load_models():
        figures[model["id"]] = references(model, paths[model["id"]])
        print(model["id"], figures[model["id"]], flush=True)
    MODELS_TOML.write_text(rewrite(MODELS_TOML.read_text(), figures))


if __name__ == "__main__":
    main()
