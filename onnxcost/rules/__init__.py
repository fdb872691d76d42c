"""Cost rules, one module per op family; importing this package registers them all."""

import importlib
import pkgutil

_INFRASTRUCTURE = {"registry", "kernels", "common"}

for _module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _module.name not in _INFRASTRUCTURE:
        importlib.import_module(f"{__name__}.{_module.name}")
