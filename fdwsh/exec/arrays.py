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
