"""Stored generated columns (``GENERATED ALWAYS AS (expr) STORED``): the checks PostgreSQL 15
makes of a generation expression, and the text the catalog keeps of it.

Contract: :func:`cook_generated` is transformExpr(EXPR_KIND_GENERATED_COLUMN) + cookDefault()
for one column, raising PostgreSQL's errors in its order: a subquery, a column of another
relation, a system column or an unknown column (while the expression is transformed, each at
its position); then a reference to another generated column (check_nested_generated); then a
function or value that is not immutable.  The text is the expression as pglast prints it (what
``\\d`` shows for simple expressions; IMPORT FOREIGN SCHEMA replaces it with the remote's own
pg_get_expr text).  The expression's type is not checked against the column's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pglast import ast
from pglast.stream import RawStream
from pglast.visitors import Visitor

from fdwsh.catalog.ddl_common import pos
from fdwsh.errors import FdwshError, FeatureNotSupported

if TYPE_CHECKING:
    from fdwsh.catalog.ddl_table import NewColumn

INVALID_OBJECT_DEFINITION = "42P17"


class _Parts(Visitor):  # type: ignore[misc]
    """The column references, subqueries and calls of an expression, in tree order."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[ast.Node] = []

    def visit_ColumnRef(self, ancestors: Any, node: ast.ColumnRef) -> None:
        self.nodes.append(node)

    def visit_SubLink(self, ancestors: Any, node: ast.SubLink) -> None:
        self.nodes.append(node)

    def visit_FuncCall(self, ancestors: Any, node: ast.FuncCall) -> None:
        self.nodes.append(node)

    def visit_SQLValueFunction(self, ancestors: Any, node: ast.SQLValueFunction) -> None:
        self.nodes.append(node)


def _referenced(ref: ast.ColumnRef, relname: str, names: set[str]) -> str | None:
    """The column a reference names (None: a whole-row ``t.*``), or the transform error."""
    from fdwsh.catalog.ddl_table import SYSTEM_COLUMNS

    fields = list(ref.fields)
    if isinstance(fields[-1], ast.A_Star):
        return None
    if len(fields) > 1 and fields[-2].sval != relname:
        raise FdwshError(f'missing FROM-clause entry for table "{fields[-2].sval}"',
                         sqlstate="42P01", position=pos(ref))
    name = fields[-1].sval
    ref.fields = (fields[-1],)  # ruleutils prints a column of the one relation unqualified
    if name in SYSTEM_COLUMNS:
        raise FdwshError(f'cannot use system column "{name}" in column generation expression',
                         sqlstate=INVALID_OBJECT_DEFINITION, position=pos(ref))
    if name not in names:
        raise FdwshError(f'column "{name}" does not exist', sqlstate="42703", position=pos(ref))
    return name


def _is_immutable(node: ast.Node) -> bool:
    """contain_mutable_functions() for what can be told from a name alone."""
    from fdwsh.plan.builtin_functions import MIXED, NOT_IMMUTABLE

    if isinstance(node, ast.SQLValueFunction):
        return False
    names = [n.sval for n in node.funcname]
    if len(names) > 1 and names[0] != "pg_catalog":
        return True
    return names[-1] not in NOT_IMMUTABLE or names[-1] in MIXED


def cook_generated(new: NewColumn, columns: list[NewColumn], relname: str) -> str:
    """Check ``new``'s generation expression against the table's ``columns``; its text."""
    parts = _Parts()
    parts(new.generated)
    generated = {c.name for c in columns if c.generated is not None}
    refs: list[tuple[ast.ColumnRef, str]] = []
    for node in parts.nodes:
        if isinstance(node, ast.SubLink):
            raise FeatureNotSupported("cannot use subquery in column generation expression",
                                      position=pos(node))
        if isinstance(node, ast.ColumnRef):
            name = _referenced(node, relname, {c.name for c in columns})
            if name is not None:
                refs.append((node, name))
    for node, name in refs:
        if name in generated:
            raise FdwshError(f'cannot use generated column "{name}" in column generation '
                             "expression", sqlstate=INVALID_OBJECT_DEFINITION, position=pos(node),
                             detail="A generated column cannot reference another generated "
                                    "column.")
    if not all(_is_immutable(n) for n in parts.nodes if not isinstance(n, ast.ColumnRef)):
        raise FdwshError("generation expression is not immutable",
                         sqlstate=INVALID_OBJECT_DEFINITION)
    return str(RawStream()(new.generated))
