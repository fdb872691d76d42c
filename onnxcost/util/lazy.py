"""Modules only the symbolic path needs, imported on first use: an all-integer model never
loads sympy, whose import costs more start-up time than analyzing a ResNet-50.

`defer("sympy")` puts a stand-in module in sys.modules, so `import sympy` anywhere binds the
stand-in; the first attribute read imports the real module and copies its namespace into the
stand-in, which from then on behaves as the real one.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from types import ModuleType
from typing import Any

_LOCK = threading.RLock()


class _Deferred(ModuleType):
    """A stand-in whose missing attributes come from the real module, imported on first need."""

    def __getattr__(self, attr: str) -> Any:
        return getattr(_load(self), attr)


def _load(stand_in: _Deferred) -> ModuleType:
    name = stand_in.__name__
    with _LOCK:
        real = stand_in.__dict__.get("_deferred_real")
        if real is None:
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
            try:
                real = importlib.import_module(name)
            except BaseException:
                sys.modules.setdefault(name, stand_in)
                raise
            for key, value in real.__dict__.items():
                if key not in ("__spec__", "__loader__"):
                    stand_in.__dict__[key] = value
            stand_in.__dict__["_deferred_real"] = real
    return real


def defer(name: str) -> None:
    """Make `import name` cheap until the module is used (a no-op once it is imported)."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None:
        return  # the ordinary import reports the missing module
    stand_in = _Deferred(name)
    stand_in.__spec__ = spec
    stand_in.__file__ = spec.origin
    sys.modules[name] = stand_in


def is_loaded(name: str) -> bool:
    """True once `name` has really been imported (not merely deferred)."""
    module = sys.modules.get(name)
    if isinstance(module, _Deferred):
        return "_deferred_real" in module.__dict__
    return module is not None
