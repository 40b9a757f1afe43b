"""Constant folding: the part of PostgreSQL's eval_const_expressions() that changes results.

PostgreSQL simplifies every query before running it: immutable functions of constants are
computed (so ``1/0`` fails at plan time even in a branch no row reaches), strict functions
with a NULL constant argument become NULL, AND/OR drop constant inputs (``false AND x`` never
evaluates ``x``), CASE drops arms whose condition is constant false and stops at a constant
true one, COALESCE stops at its first non-NULL constant.  fdwsh folds the same way so that the
same queries fail, and succeed, as they do in PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from fdwsh.exec.eval import EvalContext, evaluate_constant
from fdwsh.sql import ir

Fold = Callable[[Any, "Folder"], ir.Expr]
_FOLDERS: dict[type, Fold] = {}
_IO_STABLE = frozenset({1082, 1083, 1114, 1184, 1186, 1266})  # date/time I/O depends on styles


def folds(*classes: type) -> Callable[[Fold], Fold]:
    def register(fn: Fold) -> Fold:
        for cls in classes:
            _FOLDERS[cls] = fn
        return fn
    return register


class Folder:
    """One folding pass (carries the evaluation context and the CASE operand constant)."""

    def __init__(self, ctx: EvalContext) -> None:
        self.ctx = ctx
        self.case_value: ir.Expr | None = None

    def fold(self, expr: ir.Expr) -> ir.Expr:
        fn = _FOLDERS.get(type(expr))
        return fn(expr, self) if fn is not None else expr

    def constant(self, expr: ir.Expr) -> ir.Const:
        """Evaluate an expression whose inputs are all constants."""
        return ir.Const(expr.type, evaluate_constant(expr, self.ctx), expr.typmod,
                        ir.expr_location(expr))


def fold_constants(expr: ir.Expr, ctx: EvalContext) -> ir.Expr:
    return Folder(ctx).fold(expr)


def _is_const(e: ir.Expr) -> bool:
    return isinstance(e, ir.Const)


def _null_const(e: ir.Expr) -> bool:
    return isinstance(e, ir.Const) and e.value is None


@folds(ir.OpExpr, ir.FuncExpr)
def _fold_call(node: Any, f: Folder) -> ir.Expr:
    target = node.op if isinstance(node, ir.OpExpr) else node.func
    args = tuple(f.fold(a) for a in node.args)
    node = replace(node, args=args)
    if getattr(target, "retset", False):  # a set is not a constant (and NULL in: no rows)
        return node
    if target.strict and any(_null_const(a) for a in args):
        return ir.Const(node.type, None, node.typmod, ir.expr_location(node))
    if target.volatility == "i" and all(_is_const(a) for a in args):
        return f.constant(node)
    return node


@folds(ir.DistinctExpr, ir.NullIfExpr, ir.ScalarArrayOpExpr)
def _fold_compare(node: Any, f: Folder) -> ir.Expr:
    node = replace(node, args=tuple(f.fold(a) for a in node.args))
    if node.op.volatility == "i" and all(_is_const(a) for a in node.args):
        return f.constant(node)
    return node


@folds(ir.BoolExpr)
def _fold_bool(node: ir.BoolExpr, f: Folder) -> ir.Expr:
    if node.boolop == "not":
        arg = f.fold(node.args[0])
        if isinstance(arg, ir.Const):
            return ir.Const(ir.BOOL_OID, None if arg.value is None else not arg.value)
        return replace(node, args=(arg,))
    decisive = node.boolop == "or"
    have_null, kept = False, []
    for arg in node.args:
        arg = f.fold(arg)
        if isinstance(arg, ir.Const):
            if arg.value is None:
                have_null = True
            elif arg.value is decisive:
                return ir.Const(ir.BOOL_OID, decisive)
            continue
        kept.append(arg)
    if not kept:
        return ir.Const(ir.BOOL_OID, None if have_null else not decisive)
    if have_null:
        kept.append(ir.Const(ir.BOOL_OID, None))
    return kept[0] if len(kept) == 1 else replace(node, args=tuple(kept))


@folds(ir.CaseExpr)
def _fold_case(node: ir.CaseExpr, f: Folder) -> ir.Expr:
    arg = f.fold(node.arg) if node.arg is not None else None
    saved = f.case_value
    f.case_value = arg if isinstance(arg, ir.Const) else None
    try:
        whens: list[ir.CaseWhen] = []
        default: ir.Expr | None = None
        for w in node.whens:
            cond = f.fold(w.cond)
            if isinstance(cond, ir.Const):
                if not cond.value:
                    continue
                default = f.fold(w.result)
                break
            whens.append(ir.CaseWhen(cond, f.fold(w.result), w.location))
    finally:
        f.case_value = saved
    if default is None:
        default = f.fold(node.default)
    if not whens:
        return default
    if isinstance(arg, ir.Const):
        arg = None if not _uses_case_test(whens) else arg
    return replace(node, arg=arg, whens=tuple(whens), default=default)


def _uses_case_test(whens: list[ir.CaseWhen]) -> bool:
    def walk(e: ir.Expr) -> bool:
        return isinstance(e, ir.CaseTestExpr) or any(walk(c) for c in e.children())
    return any(walk(w.cond) for w in whens)


@folds(ir.CaseTestExpr)
def _fold_case_test(node: ir.CaseTestExpr, f: Folder) -> ir.Expr:
    return f.case_value if f.case_value is not None else node


@folds(ir.CoalesceExpr)
def _fold_coalesce(node: ir.CoalesceExpr, f: Folder) -> ir.Expr:
    kept: list[ir.Expr] = []
    for arg in node.args:
        arg = f.fold(arg)
        if _null_const(arg):
            continue
        kept.append(arg)
        if isinstance(arg, ir.Const):
            break
    if not kept:
        return ir.Const(node.type, None, node.typmod, node.location)
    return kept[0] if len(kept) == 1 else replace(node, args=tuple(kept))


@folds(ir.NullTest, ir.BooleanTest)
def _fold_test(node: Any, f: Folder) -> ir.Expr:
    node = replace(node, arg=f.fold(node.arg))
    return f.constant(node) if isinstance(node.arg, ir.Const) else node


@folds(ir.RelabelType, ir.CollateExpr)
def _fold_relabel(node: Any, f: Folder) -> ir.Expr:
    arg = f.fold(node.arg)
    if isinstance(arg, ir.Const):
        return ir.Const(node.type, arg.value, node.typmod, arg.location)
    return replace(node, arg=arg)


@folds(ir.CoerceViaIO)
def _fold_io(node: ir.CoerceViaIO, f: Folder) -> ir.Expr:
    node = replace(node, arg=f.fold(node.arg))
    if isinstance(node.arg, ir.Const) and node.type not in _IO_STABLE and \
            node.arg.type not in _IO_STABLE:
        return f.constant(node)
    return node


@folds(ir.ArrayExpr, ir.MinMaxExpr)
def _fold_list(node: Any, f: Folder) -> ir.Expr:
    field = "elements" if isinstance(node, ir.ArrayExpr) else "args"
    items = tuple(f.fold(a) for a in getattr(node, field))
    node = replace(node, **{field: items})
    return f.constant(node) if all(_is_const(a) for a in items) else node


@folds(ir.ArrayCoerceExpr, ir.SubscriptingRef)
def _fold_generic(node: Any, f: Folder) -> ir.Expr:
    if all(_is_const(c) or isinstance(c, ir.CaseTestExpr) for c in node.children()):
        return f.constant(node)
    return node
