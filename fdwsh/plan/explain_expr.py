"""Expressions as PostgreSQL's EXPLAIN prints them (ruleutils.c's deparse of a plan's quals).

Columns are ``alias.column`` (as EXPLAIN shows them where a plan reads several relations),
every operator call is parenthesised (``(o.customer_id = c.id)``), AND/OR lists too
(``((a = 1) AND (b < 2))``), constants carry their type unless it is integer, numeric or
boolean (``'x'::text``), and implicit casts show as ``(x)::type``.  Kinds of expression this
module does not know print as ``...`` rather than a wrong text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fdwsh.pgtypes import format_type
from fdwsh.sql import ir
from fdwsh.sql import oids as T
from fdwsh.sql.typecheck_agg import Aggref

#: slot of the combined row → ``alias.column``.
Names = Callable[[int], str]
_BARE = {T.INT2, T.INT4, T.INT8, T.NUMERIC, T.BOOL}


def deparse(expr: ir.Expr, names: Names) -> str:
    """``expr`` as EXPLAIN prints a qual (a top-level operator keeps its parentheses), its
    constant parts folded as the planner folds them (``'0'::double precision``)."""
    from fdwsh.errors import FdwshError
    from fdwsh.exec.eval import EvalContext
    from fdwsh.exec.fold import fold_constants

    try:
        expr = fold_constants(expr, EvalContext())
    except FdwshError:
        pass  # an error folding is the executor's to raise
    return _expr(expr, names)


def _expr(e: ir.Expr, names: Names) -> str:
    if isinstance(e, ir.Var):
        return names(e.index)
    if isinstance(e, ir.Const):
        return _const(e)
    if isinstance(e, ir.OpExpr):
        args = [_expr(a, names) for a in e.args]
        if len(args) == 2:
            return f"({args[0]} {e.op.name} {args[1]})"
        return f"({e.op.name} {args[0]})"
    if isinstance(e, ir.BoolExpr):
        if e.boolop == "not":
            return f"(NOT {_expr(e.args[0], names)})"
        return "(" + f" {e.boolop.upper()} ".join(_expr(a, names) for a in e.args) + ")"
    if isinstance(e, ir.NullTest):
        return f"({_expr(e.arg, names)} IS {'' if e.is_null else 'NOT '}NULL)"
    if isinstance(e, (ir.RelabelType, ir.CoerceViaIO)):
        return f"({_expr(e.arg, names)})::{format_type(e.type, e.typmod)}"
    if isinstance(e, ir.FuncExpr):
        return _call(e, names)
    if isinstance(e, Aggref):
        inner = "*" if e.star else ", ".join(_expr(a, names) for a in e.args)
        return f"{e.func.name}({'DISTINCT ' if e.distinct else ''}{inner})"
    if isinstance(e, ir.ScalarArrayOpExpr):
        kind = "ANY" if e.use_or else "ALL"
        left, right = (_expr(a, names) for a in e.args)
        return f"({left} {e.op.name} {kind} ({right}))"
    return "..."


def _call(e: ir.FuncExpr, names: Names) -> str:
    args = [_expr(a, names) for a in e.args]
    if e.format in (ir.IMPLICIT_CAST, ir.EXPLICIT_CAST) and len(args) >= 1:
        return f"({args[0]})::{format_type(e.type, e.typmod)}"
    return f"{e.func.name}({', '.join(args)})"


def _const(c: ir.Const) -> str:
    if c.value is None:
        return f"NULL::{format_type(c.type, c.typmod)}"
    from fdwsh.exec.values import default_settings, format_output

    text = format_output(c.type, c.value, default_settings())
    if c.type in _BARE:
        if c.type == T.BOOL:
            return "true" if c.value else "false"
        return text if not text.startswith("-") else f"'{text}'::{format_type(c.type)}"
    return _literal(text) + "::" + format_type(c.type, c.typmod)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def column_names(slots: dict[int, str]) -> Names:
    """A Names function over a slot map (unknown slots: ``?column?``)."""
    return lambda index: slots.get(index, "?column?")


def sort_key_text(expr: ir.Expr, names: Names, descending: bool, nulls_first: bool) -> str:
    """One ``Sort Key:`` item: the expression, ``DESC``, and a NULLS placement that is not
    the direction's default."""
    text = deparse(expr, names)
    if descending:
        text += " DESC"
    if nulls_first != descending:
        text += " NULLS FIRST" if nulls_first else " NULLS LAST"
    return text


def output_names(outputs: list[Any], names: Names) -> Names:
    """The names of a node's output slots computed by ``outputs`` over its input."""
    texts = [_expr(e, names) for e in outputs]
    return lambda index: texts[index] if 0 <= index < len(texts) else "?column?"
