"""Comparison operators (= <> < <= > >=) of the scalar types, and sort keys.

PostgreSQL's orderings, expressed as Python sort keys: text compares in the C collation (code
point order, which is UTF-8 byte order), ``character(n)`` ignores trailing blanks, NaN is
equal to itself and above every other float or numeric, booleans sort false < true.  The same
keys order rows for ORDER BY and set operations (:func:`sort_key`).
"""

from __future__ import annotations

import math
import operator as pyop
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from fdwsh.sql import oids as T
from fdwsh.sql.pgproc import Operator

_COMPARE = {"=": pyop.eq, "<>": pyop.ne, "<": pyop.lt, "<=": pyop.le, ">": pyop.gt,
            ">=": pyop.ge}
_IDENTITY_TYPES = frozenset({T.INT2, T.INT4, T.INT8, T.OID, T.TEXT, T.VARCHAR, T.NAME, T.CHAR,
                             T.BOOL, T.BYTEA, T.UUID, T.UNKNOWN})
_FLOATS = frozenset({T.FLOAT4, T.FLOAT8})
_DATETIME = frozenset({T.DATE, T.TIME, T.TIMETZ, T.TIMESTAMP, T.TIMESTAMPTZ, T.INTERVAL})


def _float_key(v: float) -> tuple[int, float]:
    return (1, 0.0) if math.isnan(v) else (0, v)


def _numeric_key(v: Decimal) -> tuple[int, Decimal]:
    return (1, Decimal(0)) if v.is_nan() else (0, v)


def _bpchar_key(v: str) -> str:
    return v.rstrip(" ")


def key_function(oid: int) -> Callable[[Any], Any] | None:
    """The Python sort key that orders values of type ``oid`` as PostgreSQL's btree does
    (None: values compare as they are); raises KeyError for a type fdwsh cannot order."""
    if oid in _IDENTITY_TYPES:
        return None
    if oid in _FLOATS:
        return _float_key
    if oid == T.NUMERIC:
        return _numeric_key
    if oid == T.BPCHAR:
        return _bpchar_key
    if oid == T.JSONB:
        from fdwsh.exec.fn_json import jsonb_sort_key
        return jsonb_sort_key
    if oid in _DATETIME:
        from fdwsh.exec.fn_clock import sort_key as datetime_key
        return datetime_key(oid)
    from fdwsh.pgtypes import type_by_oid
    t = type_by_oid(oid)
    if t is not None and t.is_array:
        elem = key_function(t.elem_oid)
        return _array_key(elem)
    raise KeyError(oid)


def _array_key(elem: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    """Arrays compare element by element (NULL elements sort last), then by length."""
    def key(items: list[Any]) -> Any:
        out = []
        for item in items:
            if isinstance(item, list):
                out.append((0, key(item)))
            elif item is None:
                out.append((1, 0))
            else:
                out.append((0, elem(item) if elem else item))
        return tuple(out)
    return key


def comparison(op: Operator, ctx: Any = None) -> Callable[[Any, Any], bool] | None:
    """The implementation of a comparison operator between two orderable types (``ctx``:
    the evaluation context, for comparisons that depend on the session's TimeZone)."""
    cmp = _COMPARE.get(op.name)
    if cmp is None or op.kind != "b" or op.result != T.BOOL:
        return None
    left, right = op.left, op.right
    if left != right and not ({left, right} <= {T.INT2, T.INT4, T.INT8} or
                              {left, right} <= _FLOATS or
                              {left, right} <= {T.TEXT, T.NAME}):
        from fdwsh.exec.fn_clock import cross_comparison
        return cross_comparison(op, cmp, ctx)
    try:
        key = key_function(left)
    except KeyError:
        return None
    if key is None:
        return cmp
    return lambda a, b: cmp(key(a), key(b))


def sort_key(oid: int) -> Callable[[Any], Any] | None:
    """The key ordering values of ``oid`` (None: natural order); KeyError if unorderable."""
    return key_function(oid)
