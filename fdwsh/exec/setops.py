"""UNION / INTERSECT / EXCEPT [ALL] of local query levels (transformSetOperationTree).

Each side is analysed without resolving its unknown literals (``SELECT 1 UNION SELECT '2'``
is integer, as in PostgreSQL), the column types of the two sides are unified with
select_common_type() at every node of the tree, and rows compare as PostgreSQL's set
operations compare them: by value equality of each column, NULLs equal.  UNION ALL keeps the
rows in order; the other operations keep first occurrences in order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pglast import ast
from pglast.enums import SetOperation

from fdwsh.exec.eval import compile_expr
from fdwsh.exec.fold import fold_constants
from fdwsh.exec.fn_compare import sort_key
from fdwsh.pgtypes import format_type
from fdwsh.sql import ir
from fdwsh.sql import oids as T
from fdwsh.sql.coerce import coerce_to_common_type, select_common_type, select_common_typmod
from fdwsh.sql.pstate import error

if TYPE_CHECKING:
    from fdwsh.exec.local_select import Analyzer, LocalRelation

_NAMES = {SetOperation.SETOP_UNION: "UNION", SetOperation.SETOP_INTERSECT: "INTERSECT",
          SetOperation.SETOP_EXCEPT: "EXCEPT"}


def run_set_operation(an: Analyzer, stmt: ast.SelectStmt) -> LocalRelation:
    from fdwsh.exec.local_select import LocalRelation, OutputColumn

    left = _side(an, stmt.larg)
    right = _side(an, stmt.rarg)
    context = _NAMES[stmt.op]
    if len(left.columns) != len(right.columns):
        raise error(f"each {context} query must have the same number of columns", "42601",
                    _first_location(an, stmt.rarg))
    columns, lconv, rconv = [], [], []
    for i, (lc, rc) in enumerate(zip(left.columns, right.columns)):
        lexpr = ir.Var(i, lc.type, lc.typmod, lc.name, _expr_loc(left, i))
        rexpr = ir.Var(i, rc.type, rc.typmod, rc.name, _expr_loc(right, i))
        ctype = select_common_type([lexpr, rexpr], context)
        lconv.append(_coerce_column(an, left, i, lexpr, ctype, context))
        rconv.append(_coerce_column(an, right, i, rexpr, ctype, context))
        columns.append(OutputColumn(lc.name, ctype, select_common_typmod([lexpr, rexpr],
                                                                         ctype)))
    lconvert, rconvert = _converter(an, lconv), _converter(an, rconv)
    key = row_key_function([c.type for c in columns])

    def produce() -> list[tuple[Any, ...]]:  # again for each outer row in a sub-SELECT
        return _combine(stmt.op, bool(stmt.all), lconvert(left.produce()),
                        rconvert(right.produce()), key)
    return LocalRelation(columns, None, lconv, produce)


def _coerce_column(an: Analyzer, rel: LocalRelation, i: int, var: ir.Var, ctype: int,
                   context: str) -> ir.Expr:
    """A side's column as the common type.  An unknown-type column is a literal of a leaf
    SELECT: PostgreSQL coerces the literal itself (errors point at it), so do we."""
    if var.type == T.UNKNOWN and i < len(rel.exprs):
        return fold_constants(coerce_to_common_type(an.ps, rel.exprs[i], ctype, context),
                              an.ctx)
    return coerce_to_common_type(an.ps, var, ctype, context)


def _side(an: Analyzer, stmt: ast.SelectStmt) -> LocalRelation:
    saved = an.ps.columns
    try:
        return an.run(stmt, resolve_unknowns=False)
    finally:
        an.ps.columns = saved


def _expr_loc(rel: LocalRelation, i: int) -> int:
    return ir.expr_location(rel.exprs[i]) if i < len(rel.exprs) else -1


def _first_location(an: Analyzer, stmt: ast.SelectStmt) -> int:
    """Where PostgreSQL points for a column-count mismatch: the right side's first column."""
    while stmt.op != SetOperation.SETOP_NONE:
        stmt = stmt.larg
    if stmt.targetList:
        return _leftmost(an, stmt.targetList[0].val)
    if stmt.valuesLists:
        return _leftmost(an, stmt.valuesLists[0][0])
    return -1


def _leftmost(an: Analyzer, node: ast.Node) -> int:
    """exprLocation() of a raw expression: operators report their left operand's start."""
    if isinstance(node, ast.A_Expr) and node.lexpr is not None:
        return _leftmost(an, node.lexpr)
    if isinstance(node, ast.TypeCast):
        inner = _leftmost(an, node.arg)
        return inner if inner >= 0 else an.ps.loc(node)
    return an.ps.loc(node)


def _converter(an: Analyzer, exprs: list[ir.Expr]
               ) -> Callable[[list[tuple[Any, ...]]], list[tuple[Any, ...]]]:
    """A side's rows as the common column types (compiled once)."""
    if all(isinstance(e, ir.Var) for e in exprs):
        return lambda rows: rows
    fns = [compile_expr(e, an.ctx) for e in exprs]
    return lambda rows: [tuple(fn(row) for fn in fns) for row in rows]


def row_key_function(types: list[int]) -> Callable[[tuple[Any, ...]], Any]:
    """A hashable key under which rows equal by PostgreSQL's ``=`` (NULLs equal) coincide."""
    keys = []
    for oid in types:
        if oid == T.UNKNOWN:
            oid = T.TEXT
        try:
            keys.append(sort_key(oid))
        except KeyError:
            raise error(f"could not identify an equality operator for type "
                        f"{format_type(oid)}", "42883") from None

    def key(row: tuple[Any, ...]) -> Any:
        return tuple(None if v is None else (_freeze(k(v)) if k else _freeze(v))
                     for k, v in zip(keys, row))
    return key


def _freeze(value: Any) -> Any:
    return tuple(_freeze(v) for v in value) if isinstance(value, list) else value


def _combine(op: SetOperation, all_rows: bool, left: list[tuple[Any, ...]],
             right: list[tuple[Any, ...]], key: Callable[[tuple[Any, ...]], Any]
             ) -> list[tuple[Any, ...]]:
    if op == SetOperation.SETOP_UNION:
        if all_rows:
            return left + right
        return unique_rows(left + right, key)
    rcount = Counter(key(r) for r in right)
    out: list[tuple[Any, ...]] = []
    if op == SetOperation.SETOP_INTERSECT:
        if not all_rows:
            return [r for r in unique_rows(left, key) if rcount[key(r)]]
        for row in left:
            k = key(row)
            if rcount[k] > 0:
                rcount[k] -= 1
                out.append(row)
        return out
    if not all_rows:
        return [r for r in unique_rows(left, key) if not rcount[key(r)]]
    for row in left:
        k = key(row)
        if rcount[k] > 0:
            rcount[k] -= 1
        else:
            out.append(row)
    return out


def unique_rows(rows: list[tuple[Any, ...]], key: Callable[[tuple[Any, ...]], Any],
                seen: set[Any] | None = None) -> list[tuple[Any, ...]]:
    """The rows whose key is not in ``seen`` (a fresh set by default), first of each key;
    their keys are added to ``seen``."""
    seen = set() if seen is None else seen
    out = []
    for row in rows:
        k = key(row)
        if k not in seen:
            seen.add(k)
            out.append(row)
    return out
