"""Array values: Python lists (nested for more dimensions, lower bound 1), as the evaluator
builds them for ARRAY[...] and IN lists, with PostgreSQL's subscripting rules."""

from __future__ import annotations

from typing import Any

from fdwsh.exec import pgerrors as E


def build_multidim(subarrays: list[Any]) -> list[Any] | None:
    """ARRAY[ARRAY[..], ARRAY[..]]: sub-arrays must have matching dimensions."""
    if any(s is None for s in subarrays):
        subarrays = [s for s in subarrays if s is not None]
    shapes = {_shape(s) for s in subarrays if s}
    if len(shapes) > 1 or (shapes and any(not s for s in subarrays)):
        raise E.invalid("multidimensional arrays must have array expressions with matching "
                        "dimensions", "2202E")
    return [s for s in subarrays if s] if shapes else []


def _shape(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list):
        return ()
    return (len(value), *(_shape(value[0]) if value else ()))


def subscript(array: list[Any] | None, upper: list[Any], lower: list[Any] | None) -> Any:
    """arr[i][j] (1-based; out of range or NULL subscript → NULL) and slices arr[i:j]."""
    if array is None or any(u is None for u in upper if lower is None):
        return None
    if lower is None:
        current: Any = array
        for index in upper:
            if not isinstance(current, list) or not 1 <= index <= len(current):
                return None
            current = current[index - 1]
        return None if isinstance(current, list) else current
    if len(upper) != 1:
        return None
    lo = lower[0] if lower[0] is not None else 1
    hi = upper[0] if upper[0] is not None else len(array)
    lo = max(lo, 1)
    return array[lo - 1:hi] if lo <= hi else []


# ---- functions and operators ---------------------------------------------------------------

from fdwsh.exec.functions import factory, register  # noqa: E402  (registry after helpers)
from fdwsh.sql import oids as T  # noqa: E402


def _dims(value: list[Any]) -> list[int]:
    dims = []
    while isinstance(value, list):
        dims.append(len(value))
        if not value:
            break
        value = value[0]
    return dims if dims != [0] else []


def _elem_key(node: Any) -> Any:
    from fdwsh.exec.fn_compare import key_function
    from fdwsh.pgtypes import type_by_oid
    t = type_by_oid(node.args[0].type)
    return key_function(t.elem_oid if t is not None and t.is_array else T.TEXT)


def _array_key(node: Any) -> Any:
    from fdwsh.exec.fn_compare import key_function
    return key_function(node.args[0].type)


_COMPARE = {"array_eq": lambda a, b: a == b, "array_ne": lambda a, b: a != b,
            "array_lt": lambda a, b: a < b, "array_le": lambda a, b: a <= b,
            "array_gt": lambda a, b: a > b, "array_ge": lambda a, b: a >= b}


def _comparison_factory(impl: str) -> Any:
    cmp = _COMPARE[impl]

    def make(node: Any, ctx: Any) -> Any:
        key = _array_key(node)
        return lambda a, b: cmp(key(a), key(b))
    return make


for _impl in _COMPARE:
    factory(_impl)(_comparison_factory(_impl))


@register("array_append")
def _append(arr: list[Any] | None, elem: Any) -> list[Any]:
    return [*(arr or []), elem]


@register("array_prepend")
def _prepend(elem: Any, arr: list[Any] | None) -> list[Any]:
    return [elem, *(arr or [])]


@register("array_cat")
def _cat(a: list[Any] | None, b: list[Any] | None) -> list[Any] | None:
    if a is None or b is None:
        return b if a is None else a
    if not a or not b:
        return a or b
    da, db = _dims(a), _dims(b)
    if len(da) == len(db):
        if da[1:] != db[1:]:
            raise E.invalid("cannot concatenate incompatible arrays", "2202E")
        return a + b
    if len(da) == len(db) + 1:
        return a + [b]
    if len(db) == len(da) + 1:
        return [a] + b
    raise E.invalid("cannot concatenate incompatible arrays", "2202E")


@register("array_length", "array_upper")
def _length(arr: list[Any], dim: int) -> int | None:
    dims = _dims(arr)
    return dims[dim - 1] if 1 <= dim <= len(dims) else None


register("array_lower")(lambda arr, dim: 1 if 1 <= dim <= len(_dims(arr)) else None)
register("array_ndims")(lambda arr: len(_dims(arr)) or None)
register("array_cardinality")(lambda arr: len(list(_flat(arr))))
register("array_dims")(lambda arr: "".join(f"[1:{d}]" for d in _dims(arr)) or None)


def _flat(arr: list[Any]) -> Any:
    for item in arr:
        if isinstance(item, list):
            yield from _flat(item)
        else:
            yield item


@factory("array_position", "array_position_start")
def _position(node: Any, ctx: Any) -> Any:
    key = _elem_key(node) or (lambda v: v)

    def position(arr: list[Any] | None, elem: Any, start: int | None = 1) -> int | None:
        if arr is None:
            return None
        if len(_dims(arr)) > 1:
            raise E.invalid("searching for elements in multidimensional arrays is not "
                            "supported", "0A000")
        target = None if elem is None else key(elem)
        for i, item in enumerate(arr[(start or 1) - 1:] if start and start > 1 else arr,
                                  start=max(start or 1, 1)):
            if (item is None and elem is None) or (
                    item is not None and elem is not None and key(item) == target):
                return i
        return None
    return position


@factory("array_remove")
def _remove(node: Any, ctx: Any) -> Any:
    key = _elem_key(node) or (lambda v: v)

    def remove(arr: list[Any] | None, elem: Any) -> list[Any] | None:
        if arr is None:
            return None
        if elem is None:
            return [i for i in arr if i is not None]
        return [i for i in arr if i is None or key(i) != key(elem)]
    return remove


@factory("array_replace")
def _replace(node: Any, ctx: Any) -> Any:
    key = _elem_key(node) or (lambda v: v)

    def replace(arr: list[Any] | None, old: Any, new: Any) -> list[Any] | None:
        if arr is None:
            return None
        return [new if (i is None and old is None) or (
            i is not None and old is not None and key(i) == key(old)) else i for i in arr]
    return replace


@factory("array_to_text", "array_to_text_null")
def _to_text(node: Any, ctx: Any) -> Any:
    from fdwsh.exec import values
    from fdwsh.pgtypes import type_by_oid
    t = type_by_oid(node.args[0].type)
    elem = t.elem_oid if t is not None and t.is_array else T.TEXT

    def to_text(arr: list[Any], sep: str, null: str | None = None) -> str:
        parts = [values.format_output(elem, v, ctx.settings) if v is not None else null
                 for v in _flat(arr)]
        return sep.join(p for p in parts if p is not None)
    return to_text


@factory("text_to_array", "text_to_array_null")
def _string_to_array(node: Any, ctx: Any) -> Any:
    strict_null = node.func.impl == "text_to_array_null"

    def split(s: str | None, sep: str | None, null: str | None = None) -> list[Any] | None:
        if s is None:
            return None
        if s == "":
            return []
        parts = list(s) if sep is None else (s.split(sep) if sep else [s])
        if strict_null and null is not None:
            return [None if p == null else p for p in parts]
        return parts
    return split


@factory("arraycontains", "arraycontained", "arrayoverlap")
def _contains(node: Any, ctx: Any) -> Any:
    key = _elem_key(node) or (lambda v: v)
    impl = node.op.impl

    def keys(arr: list[Any]) -> set[Any]:
        return {key(v) for v in _flat(arr) if v is not None}

    def test(a: list[Any], b: list[Any]) -> bool:
        if impl == "arrayoverlap":
            return bool(keys(a) & keys(b))
        inner, outer = (b, a) if impl == "arraycontains" else (a, b)
        if any(v is None for v in _flat(inner)):
            return False
        return keys(inner) <= keys(outer)
    return test
