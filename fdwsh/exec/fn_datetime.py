"""Date/time functions and operators, over the values of :mod:`fdwsh.types`.

The clock (now(), CURRENT_TIMESTAMP ...) is read once per statement, as PostgreSQL's
transaction/statement timestamps are fixed for a statement outside a transaction block.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fdwsh.exec.functions import factory
from fdwsh.sql import oids as T
from fdwsh.sql.pgproc import Operator

_DATETIME_TYPES = frozenset({T.DATE, T.TIME, T.TIMESTAMP, T.TIMESTAMPTZ, T.INTERVAL, T.TIMETZ})


def statement_now(ctx: Any) -> dt.datetime:
    """The statement's timestamp (UTC, microseconds), fixed on first use."""
    now = ctx.state.get("now")
    if now is None:
        now = ctx.state["now"] = dt.datetime.now(dt.timezone.utc)
    return now


def clock_value(name: str, typmod: int, ctx: Any) -> Callable[[], Any]:
    from fdwsh.exec import fn_clock
    return fn_clock.clock_value(name, typmod, ctx)


@factory("now", "statement_timestamp")
def _now(node: Any, ctx: Any) -> Any:
    return lambda: statement_now(ctx)


@factory("clock_timestamp")
def _clock(node: Any, ctx: Any) -> Any:
    return lambda: dt.datetime.now(dt.timezone.utc)


def datetime_key(oid: int) -> Callable[[Any], Any] | None:
    """Sort keys of the date/time types (KeyError: not orderable here)."""
    if oid in _DATETIME_TYPES:
        from fdwsh.exec import fn_clock
        return fn_clock.sort_key(oid)
    return None


def cross_type_comparison(op: Operator, cmp: Callable[[Any, Any], bool]
                          ) -> Callable[[Any, Any], bool] | None:
    """Comparisons between different date/time types (date < timestamp ...)."""
    if op.left in _DATETIME_TYPES and op.right in _DATETIME_TYPES:
        from fdwsh.exec import fn_clock
        return fn_clock.cross_comparison(op, cmp)
    return None
