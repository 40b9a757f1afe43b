"""The registry of locally evaluated functions and operators, keyed by pg_proc implementation.

An operator or function resolved by ``sql.resolve`` carries ``impl`` (its C symbol, e.g.
``int4pl``, ``textcat``, ``numeric_div``).  Modules ``fn_*`` register an implementation for
each key they support: :func:`register` for plain ``f(*values)`` functions, :func:`factory`
for ones that need the call node or the :class:`~fdwsh.exec.eval.EvalContext` (result type,
session settings, clock).  Comparison operators of the scalar types are generic
(``fn_compare``).  Anything else is ``function f(...) is not supported locally``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fdwsh.errors import FeatureNotSupported
from fdwsh.pgtypes import format_type
from fdwsh.sql.pgproc import Function, Operator

if TYPE_CHECKING:
    from fdwsh.exec.eval import EvalContext

Impl = Callable[..., Any]
Factory = Callable[[Any, "EvalContext"], Impl]

_SIMPLE: dict[str, Impl] = {}
_FACTORIES: dict[str, Factory] = {}
_LOADED = False


def register(*keys: str) -> Callable[[Impl], Impl]:
    """Register ``f(*args)`` as the implementation of pg_proc keys ``keys``."""
    def deco(fn: Impl) -> Impl:
        for key in keys:
            _SIMPLE[key] = fn
        return fn
    return deco


def factory(*keys: str) -> Callable[[Factory], Factory]:
    """Register ``make(node, ctx) -> f(*args)`` for keys needing the call or the context."""
    def deco(fn: Factory) -> Factory:
        for key in keys:
            _FACTORIES[key] = fn
        return fn
    return deco


def _load() -> None:
    global _LOADED
    if not _LOADED:
        _LOADED = True
        from fdwsh.exec import (arrays, fn_casts, fn_compare, fn_datetime,  # noqa: F401
                                fn_dtfields, fn_fdw, fn_format, fn_json, fn_math, fn_misc,
                                fn_numeric, fn_srf, fn_string)


def is_implemented(target: Function | Operator) -> bool:
    """Whether fdwsh can evaluate this function/operator."""
    _load()
    if target.impl in _SIMPLE or target.impl in _FACTORIES:
        return True
    from fdwsh.exec.fn_compare import comparison
    return isinstance(target, Operator) and comparison(target) is not None


def implementation(target: Function | Operator, node: Any, ctx: EvalContext) -> Impl:
    """The Python callable evaluating ``target`` (an operator or function) for ``node``."""
    _load()
    impl = target.impl
    if impl in _FACTORIES:
        return _FACTORIES[impl](node, ctx)
    if impl in _SIMPLE:
        return _SIMPLE[impl]
    if isinstance(target, Operator):
        from fdwsh.exec.fn_compare import comparison
        found = comparison(target, ctx)
        if found is not None:
            return found
        sig = (f"{format_type(target.left)} {target.name} " if target.left else
               f"{target.name} ") + format_type(target.right)
        raise FeatureNotSupported(f"operator {sig} is not supported locally")
    args = ", ".join(format_type(t) for t in target.args)
    raise FeatureNotSupported(f"function {target.name}({args}) is not supported locally")


def sql_value_function(node: Any, ctx: EvalContext) -> Callable[[], Any]:
    """CURRENT_USER, CURRENT_DATE ... as a callable of no arguments."""
    _load()
    from fdwsh.exec.fn_clock import clock_value
    name = node.name
    if name in ("current_user", "current_role", "user", "session_user"):
        return lambda: ctx.user
    if name == "current_catalog":
        return lambda: "fdwsh"
    if name == "current_schema":
        return lambda: "public"
    return clock_value(name, node.typmod, ctx)
