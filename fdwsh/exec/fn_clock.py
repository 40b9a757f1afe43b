"""The SQL clock values and date/time ordering (CURRENT_DATE, LOCALTIMESTAMP ...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fdwsh.errors import FeatureNotSupported
from fdwsh.sql.pgproc import Operator


def clock_value(name: str, typmod: int, ctx: Any) -> Callable[[], Any]:
    from fdwsh.exec.fn_datetime import statement_now
    if name == "current_timestamp":
        return lambda: statement_now(ctx)
    raise FeatureNotSupported(f"{name.upper()} is not supported locally")


def sort_key(oid: int) -> Callable[[Any], Any] | None:
    return None


def cross_comparison(op: Operator, cmp: Callable[[Any, Any], bool]
                     ) -> Callable[[Any, Any], bool] | None:
    return None
