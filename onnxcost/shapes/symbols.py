"""Names for dims nothing derives, each after its node, so that `--dim NAME=INT` binds it."""

from __future__ import annotations

from collections.abc import Mapping

from onnxcost.rules.dim_names import (
    clean_name,
)
from onnxcost.rules.shape_rules import DataDim
from onnxcost.symbolic.formulas import (
    symbol,
)
from onnxcost.symbolic.poly import Poly
from onnxcost.types import Dim, NodeInfo, UnderivedDim


class Symbols:
    """Names for dims nothing derives, each after its node (`<node>_<what>`), so that a user can
    read it and `--dim NAME=INT` binds it; with `worst_case`, a data-dependent dim with a stated
    upper bound takes that bound."""

    def __init__(self, dims: Mapping[str, int], worst_case: bool = False) -> None:
        self.dims = dims
        self.worst_case = worst_case
        self.by_placeholder: dict[str, Dim] = {}
        self.by_key: dict[tuple[int, str], Dim] = {}
        self.found: dict[str, UnderivedDim] = {}
        self.names: set[str] = set()

    def is_data_dependent(self, dim: object) -> bool:
        """A dim the data decides that nothing has bound yet (a DataDim, or its symbol)."""
        if isinstance(dim, DataDim):
            return True
        if not isinstance(dim, Poly) or not dim.is_symbol:
            return False
        found = self.found.get(dim.name)
        return found is not None and found.data_dependent

    def dim(
        self,
        node: NodeInfo | None,
        key: str,
        what: str,
        *,
        label: str = "",
        data: bool = False,
        bound: Dim | None = None,
        placeholder: str = "",
    ) -> Dim:
        """The dim `key` of `node` (or of the value `label`): a --dim binding, the bound under
        --worst-case, else its symbol; a placeholder ('unk__7', one unknown dim that ONNX inference
        propagates) gets the same dim wherever it appears."""
        if placeholder and placeholder in self.by_placeholder:
            return self.by_placeholder[placeholder]
        owner = id(node) if node is not None else hash(label)
        if (owner, key) in self.by_key:
            return self.by_key[(owner, key)]
        base = f"{clean_name(node.name if node is not None else label)}_{key}"
        name = base
        suffix = 2
        while name in self.found:
            name, suffix = f"{base}_{suffix}", suffix + 1
        value: Dim
        if name in self.dims:
            value = self.dims[name]
        elif self.worst_case and data and bound is not None:
            value = bound
        else:
            value = symbol(name)
        self.names.add(name)
        self.found[name] = UnderivedDim(
            symbol=name, node=node.name if node is not None else label,
            op_type=node.op_type if node is not None else "input", what=what, data_dependent=data,
            bound=bound, value=value,
        )  # fmt: skip
        self.by_key[(owner, key)] = value
        if placeholder:
            self.by_placeholder[placeholder] = value
        return value
