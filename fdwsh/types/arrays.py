"""Arrays: array_in / array_out of PostgreSQL 15 for any element type.

Python value: nested lists (one level per dimension; None is NULL), or a
:class:`BoundedArray` when some lower bound is not 1 (``[0:1]={1,2}``).  Input validation runs
ArrayCount's state machine, so malformed literals get PostgreSQL's DETAIL; then ReadArrayStr's
de-escaping and the element type's input function.  Output quotes an element when it is
empty, spells NULL, or contains braces, the delimiter, quotes, backslashes or white space.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fdwsh.errors import FdwshError
from fdwsh.types.settings import StyleSettings

MAXDIM = 6
_SPACE = frozenset(" \t\n\r\v\f")
(NO_LEVEL, LEVEL_STARTED, ELEM_STARTED, ELEM_COMPLETED, QUOTED_STARTED, QUOTED_COMPLETED,
 ELEM_DELIMITED, LEVEL_COMPLETED, LEVEL_DELIMITED) = range(9)


class BoundedArray(list):  # type: ignore[type-arg]
    """A list that remembers non-default lower bounds (one per dimension)."""

    def __init__(self, items: list[Any], lbounds: tuple[int, ...]) -> None:
        super().__init__(items)
        self.lbounds = lbounds


def _malformed(text: str, detail: str) -> FdwshError:
    return FdwshError(f'malformed array literal: "{text}"', sqlstate="22P02", detail=detail)


def _too_many(n: int) -> FdwshError:
    return FdwshError(f"number of array dimensions ({n}) exceeds the maximum allowed ({MAXDIM})",
                      sqlstate="54000")


def array_count(s: str, delim: str = ",") -> list[int]:
    """ArrayCount(): the dimensions of a braced literal (empty list for an empty array)."""
    nest, ndim = 0, 1
    temp = [0] * MAXDIM
    nelems = [1] * MAXDIM
    nelems_last = [0] * MAXDIM
    in_quotes, empty, state, i, n = False, True, NO_LEVEL, 0, len(s)

    def bad(detail: str) -> FdwshError:
        return _malformed(s, detail)

    eo_array = False
    while not eo_array:
        done = False
        while not done:
            if state in (ELEM_STARTED, QUOTED_STARTED):
                empty = False
            if i >= n:
                raise bad("Unexpected end of input.")
            c = s[i]
            if c == "\\":
                if state not in (LEVEL_STARTED, ELEM_STARTED, QUOTED_STARTED, ELEM_DELIMITED):
                    raise bad('Unexpected "\\" character.')
                if state != QUOTED_STARTED:
                    state = ELEM_STARTED
                if i + 1 >= n:
                    raise bad("Unexpected end of input.")
                i += 1
            elif c == '"':
                if state not in (LEVEL_STARTED, QUOTED_STARTED, ELEM_DELIMITED):
                    raise bad("Unexpected array element.")
                in_quotes = not in_quotes
                state = QUOTED_STARTED if in_quotes else QUOTED_COMPLETED
            elif c == "{" and not in_quotes:
                if state not in (NO_LEVEL, LEVEL_STARTED, LEVEL_DELIMITED):
                    raise bad('Unexpected "{" character.')
                state = LEVEL_STARTED
                if nest >= MAXDIM:
                    raise _too_many(nest + 1)
                temp[nest] = 0
                nest += 1
                ndim = max(ndim, nest)
            elif c == "}" and not in_quotes:
                if state not in (ELEM_STARTED, ELEM_COMPLETED, QUOTED_COMPLETED,
                                 LEVEL_COMPLETED) and not (nest == 1 and state == LEVEL_STARTED):
                    raise bad('Unexpected "}" character.')
                state = LEVEL_COMPLETED
                if nest == 0:
                    raise bad('Unmatched "}" character.')
                nest -= 1
                if nelems_last[nest] != 0 and nelems[nest] != nelems_last[nest]:
                    raise bad("Multidimensional arrays must have sub-arrays with matching "
                              "dimensions.")
                nelems_last[nest] = nelems[nest]
                nelems[nest] = 1
                if nest == 0:
                    eo_array = done = True
                else:
                    temp[nest - 1] += 1
            elif not in_quotes:
                if c == delim:
                    if state not in (ELEM_STARTED, ELEM_COMPLETED, QUOTED_COMPLETED,
                                     LEVEL_COMPLETED):
                        raise bad(f'Unexpected "{delim}" character.')
                    state = LEVEL_DELIMITED if state == LEVEL_COMPLETED else ELEM_DELIMITED
                    done = True
                    nelems[nest - 1] += 1
                elif c not in _SPACE:
                    if state not in (LEVEL_STARTED, ELEM_STARTED, ELEM_DELIMITED):
                        raise bad("Unexpected array element.")
                    state = ELEM_STARTED
            if not done:
                i += 1
        temp[ndim - 1] += 1
        i += 1
    if s[i:].strip(" \t\n\r\v\f"):
        raise bad("Junk after closing right brace.")
    return [] if empty else temp[:ndim]


def read_items(s: str, delim: str = ",") -> list[str | None]:
    """ReadArrayStr(): the de-escaped element texts in order (None for an unquoted NULL)."""
    items: list[str | None] = []
    i, in_quotes, nest = 0, False, 0
    while True:
        out: list[str] = []
        keep, leading, quoted, ended = 0, True, False, False
        while True:
            c = s[i]
            if c == "\\":
                out.append(s[i + 1])
                i += 2
                leading, quoted = False, True
                keep = len(out)
            elif c == '"':
                in_quotes = not in_quotes
                if in_quotes:
                    leading = False
                else:
                    keep = len(out)
                quoted = True
                i += 1
            elif c == "{" and not in_quotes:
                nest += 1
                i += 1
            elif c == "}" and not in_quotes:
                nest -= 1
                i += 1
                if nest == 0:
                    ended = True
                    break
            elif in_quotes:
                out.append(c)
                i += 1
                keep = len(out)
            elif c == delim:
                i += 1
                break
            elif c in _SPACE:
                if not leading:
                    out.append(c)
                i += 1
            else:
                out.append(c)
                i += 1
                leading = False
                keep = len(out)
        text = "".join(out[:keep])
        items.append(None if not quoted and text.upper() == "NULL" else text)
        if ended:
            return items


def _dimension_info(text: str) -> tuple[list[int], list[int], str]:
    """The ``[m:n]...=`` prefix: (dims, lower bounds, the rest of the string)."""
    dims: list[int] = []
    lbounds: list[int] = []
    p = text
    while True:
        p = p.lstrip(" \t\n\r\v\f")
        if not p.startswith("["):
            break
        p = p[1:]
        if len(dims) >= MAXDIM:
            raise _too_many(len(dims) + 1)
        q = _run(p)
        if q == 0:
            raise _malformed(text, '"[" must introduce explicitly-specified array dimensions.')
        lb = 1
        if p[q:q + 1] == ":":
            lb = _atoi(p[:q])
            p = p[q + 1:]
            q = _run(p)
            if q == 0:
                raise _malformed(text, "Missing array dimension value.")
        if p[q:q + 1] != "]":
            raise _malformed(text, 'Missing "]" after array dimensions.')
        ub = _atoi(p[:q])
        p = p[q + 1:]
        if ub < lb:
            raise FdwshError("upper bound cannot be less than lower bound", sqlstate="2202E")
        dims.append(ub - lb + 1)
        lbounds.append(lb)
    return dims, lbounds, p


def _run(p: str) -> int:
    q = 0
    while q < len(p) and (p[q].isdigit() and p[q].isascii() or p[q] in "+-"):
        q += 1
    return q


def _atoi(s: str) -> int:
    sign, body = (-1, s[1:]) if s[:1] == "-" else (1, s.lstrip("+")[:] if s[:1] == "+" else s)
    digits = ""
    for ch in body:
        if not ch.isdigit():
            break
        digits += ch
    return sign * int(digits) if digits else 0


def _nest(flat: list[Any], dims: list[int]) -> list[Any]:
    if len(dims) <= 1:
        return flat
    step = len(flat) // dims[0]
    return [_nest(flat[k * step:(k + 1) * step], dims[1:]) for k in range(dims[0])]


ElementParse = Callable[[str, "int | None", StyleSettings], Any]


def parse_array(text: str, parse_element: ElementParse, typmod: int | None,
                settings: StyleSettings, delim: str = ",") -> list[Any]:
    dims, lbounds, p = _dimension_info(text)
    if not dims:
        if not p.startswith("{"):
            raise _malformed(text, 'Array value must start with "{" or dimension information.')
        dims = array_count(p, delim)
        lbounds = [1] * len(dims)
    else:
        if not p.startswith("="):
            raise _malformed(text, 'Missing "=" after array dimensions.')
        p = p[1:].lstrip(" \t\n\r\v\f")
        if not p.startswith("{"):
            raise _malformed(text, 'Array contents must start with "{".')
        if array_count(p, delim) != dims:
            raise _malformed(text, "Specified array dimensions do not match array contents.")
    if not dims:
        return []
    items = read_items(p, delim)
    flat = [None if t is None else parse_element(t, typmod, settings) for t in items]
    nested = _nest(flat, dims)
    if any(lb != 1 for lb in lbounds):
        return BoundedArray(nested, tuple(lbounds))
    return nested


def quote_element(text: str, delim: str = ",") -> str:
    if text and text.upper() != "NULL" and not any(
            c in '"\\{}' or c == delim or c in _SPACE for c in text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dims_of(value: list[Any]) -> list[int]:
    dims: list[int] = []
    node: Any = value
    while isinstance(node, list) and node:
        dims.append(len(node))
        node = node[0]
    return dims


ElementFormat = Callable[[Any, StyleSettings], str]


def format_array(value: list[Any], format_element: ElementFormat, settings: StyleSettings,
                 delim: str = ",") -> str:
    def render(node: Any, depth: int, ndims: int) -> str:
        if depth == ndims:
            return "NULL" if node is None else quote_element(format_element(node, settings),
                                                              delim)
        return "{" + delim.join(render(x, depth + 1, ndims) for x in node) + "}"

    if not value:
        return "{}"
    dims = _dims_of(value)
    body = render(value, 0, len(dims))
    lbounds = getattr(value, "lbounds", None)
    if lbounds and any(lb != 1 for lb in lbounds):
        prefix = "".join(f"[{lb}:{lb + d - 1}]" for lb, d in zip(lbounds, dims))
        return prefix + "=" + body
    return body
