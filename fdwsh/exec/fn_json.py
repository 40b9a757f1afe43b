"""jsonb operators and the JSON constructors (jsonfuncs.c, jsonb.c, json.c of PG 15).

jsonb values are :class:`fdwsh.types.Jsonb` (decoded, keys in jsonb order).  json (text)
results of the constructors use PostgreSQL's json spacing (``{"a" : 1}``, ``[1, 2]``); SQL
values become JSON as to_json() makes them (numbers bare, booleans, strings escaped,
timestamps in ISO 8601 with a ``T``).  Operators on the json text type (which keep the
original text) are not evaluated locally.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fdwsh.exec import pgerrors as E
from fdwsh.exec import values
from fdwsh.exec.functions import factory, register
from fdwsh.sql import oids as T
from fdwsh.types.json import Jsonb, escape_json, format_jsonb, parse_jsonb
from fdwsh.types.numeric import format_numeric

_NUMERIC_TYPES = frozenset({T.INT2, T.INT4, T.INT8, T.NUMERIC, T.FLOAT4, T.FLOAT8, T.OID})
_DATETIME = {T.DATE: "date", T.TIMESTAMP: "timestamp", T.TIMESTAMPTZ: "timestamptz"}


def _iso_text(oid: int, v: Any, settings: Any) -> str:
    """Dates and timestamps in JSON: ISO 8601 with a ``T`` (JsonEncodeDateTime)."""
    from fdwsh.types.settings import TypeSettings
    iso = TypeSettings(timezone=settings.timezone)
    text = values.format_output(oid, v, iso)
    return text.replace(" ", "T", 1) if oid != T.DATE else text


def to_jsonb_value(oid: int, v: Any, settings: Any) -> Any:
    """datum_to_jsonb(): a SQL value as a decoded jsonb value."""
    if v is None:
        return None
    if oid == T.JSONB:
        return v.value
    if oid == T.JSON:
        return parse_jsonb(v).value
    if oid == T.BOOL:
        return bool(v)
    if oid in _NUMERIC_TYPES:
        text = values.format_output(oid, v, settings)
        if text in ("NaN", "Infinity", "-Infinity"):
            return text
        return Decimal(text)
    if oid in _DATETIME:
        return _iso_text(oid, v, settings)
    if isinstance(v, list):
        from fdwsh.pgtypes import type_by_oid
        t = type_by_oid(oid)
        elem = t.elem_oid if t is not None and t.is_array else T.TEXT
        return [to_jsonb_value(elem, x, settings) for x in v]
    if oid in (T.TEXT, T.VARCHAR, T.BPCHAR, T.NAME, T.UNKNOWN, T.CHAR):
        return v
    return values.format_output(oid, v, settings)


def json_text(value: Any, compact: bool = False) -> str:
    """A decoded value as json text with PostgreSQL's constructor spacing (``compact``:
    to_json()'s, without blanks)."""
    colon, comma = (":", ",") if compact else (" : ", ", ")
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format_numeric(value)
    if isinstance(value, str):
        return escape_json(value)
    if isinstance(value, dict):
        return "{" + comma.join(f"{escape_json(k)}{colon}{json_text(v, compact)}"
                                for k, v in value.items()) + "}"
    return "[" + comma.join(json_text(v, compact) for v in value) + "]"


def _arg_types(node: Any) -> list[int]:
    return [a.type for a in node.args]


def _key_text(oid: int, v: Any, settings: Any, index: int) -> str:
    if v is None:
        raise E.invalid(f"argument {index}: key must not be null")
    if oid in (T.TEXT, T.VARCHAR, T.NAME, T.UNKNOWN, T.BPCHAR):
        return v
    return values.format_output(oid, v, settings)


def _pairs(node: Any, ctx: Any, args: tuple[Any, ...], fname: str) -> list[tuple[str, Any]]:
    types = _arg_types(node)
    if len(args) % 2:
        raise E.invalid("argument list must have even number of elements",
                        hint=f"The arguments of {fname}() must consist of alternating keys "
                             "and values.")
    return [(_key_text(types[i], args[i], ctx.settings, i + 1),
             to_jsonb_value(types[i + 1], args[i + 1], ctx.settings))
            for i in range(0, len(args), 2)]


@factory("jsonb_build_object")
def _jsonb_build_object(node: Any, ctx: Any) -> Any:
    from fdwsh.types.json import _key_order  # the one definition of jsonb key order

    def build(*args: Any) -> Jsonb:
        merged = dict(_pairs(node, ctx, args, "jsonb_build_object"))
        return Jsonb({k: merged[k] for k in sorted(merged, key=_key_order)})
    return build


@factory("json_build_object")
def _json_build_object(node: Any, ctx: Any) -> Any:
    def build(*args: Any) -> str:
        pairs = _pairs(node, ctx, args, "json_build_object")
        return "{" + ", ".join(f"{escape_json(k)} : {json_text(v)}" for k, v in pairs) + "}"
    return build


@factory("jsonb_build_array")
def _jsonb_build_array(node: Any, ctx: Any) -> Any:
    types = _arg_types(node)
    return lambda *args: Jsonb([to_jsonb_value(t, a, ctx.settings)
                                for t, a in zip(types, args)])


@factory("json_build_array")
def _json_build_array(node: Any, ctx: Any) -> Any:
    types = _arg_types(node)
    return lambda *args: "[" + ", ".join(json_text(to_jsonb_value(t, a, ctx.settings))
                                         for t, a in zip(types, args)) + "]"


register("jsonb_build_object_noargs")(lambda: Jsonb({}))
register("json_build_object_noargs")(lambda: "{}")
register("jsonb_build_array_noargs")(lambda: Jsonb([]))
register("json_build_array_noargs")(lambda: "[]")


@factory("to_jsonb")
def _to_jsonb(node: Any, ctx: Any) -> Any:
    oid = node.args[0].type
    return lambda v: Jsonb(to_jsonb_value(oid, v, ctx.settings))


@factory("to_json")
def _to_json(node: Any, ctx: Any) -> Any:
    oid = node.args[0].type
    if oid == T.JSON:
        return lambda v: v
    return lambda v: json_text(to_jsonb_value(oid, v, ctx.settings), compact=True)


# ---- jsonb access -------------------------------------------------------------------------------


def _field(j: Jsonb, key: str) -> Jsonb | None:
    value = j.value
    if isinstance(value, dict) and key in value:
        return Jsonb(value[key])
    return None


def _element(j: Jsonb, index: int) -> Jsonb | None:
    value = j.value
    if not isinstance(value, list):
        return None
    if index < 0:
        index += len(value)
    return Jsonb(value[index]) if 0 <= index < len(value) else None


def as_text(j: Jsonb | None) -> str | None:
    """->> : a string's text, NULL for JSON null, other values as jsonb text."""
    if j is None or j.value is None:
        return None
    if isinstance(j.value, str):
        return j.value
    return format_jsonb(j)


def _path(j: Jsonb, path: list[str | None]) -> Jsonb | None:
    current: Jsonb | None = j
    for step in path:
        if current is None or step is None:
            return None
        if isinstance(current.value, dict):
            current = _field(current, step)
        elif isinstance(current.value, list):
            try:
                current = _element(current, int(step))
            except ValueError:
                return None
        else:
            return None
    return current


register("jsonb_object_field")(_field)
register("jsonb_array_element")(_element)
register("jsonb_object_field_text")(lambda j, k: as_text(_field(j, k)))
register("jsonb_array_element_text")(lambda j, i: as_text(_element(j, i)))
register("jsonb_extract_path")(_path)
register("jsonb_extract_path_text")(lambda j, p: as_text(_path(j, p)))


def _contains(a: Any, b: Any) -> bool:
    """jsonb @>: objects contain their pairs, arrays any elements (scalars match equal)."""
    if isinstance(a, dict):
        return isinstance(b, dict) and all(k in a and _contains(a[k], v) for k, v in b.items())
    if isinstance(a, list):
        if isinstance(b, list):
            return all(any(_contains(x, y) for x in a) for y in b)
        return any(not isinstance(x, (dict, list)) and _contains(x, b) for x in a)
    return not isinstance(b, (dict, list)) and type(a) is type(b) and a == b


register("jsonb_contains")(lambda a, b: _contains(a.value, b.value))
register("jsonb_contained")(lambda a, b: _contains(b.value, a.value))


@register("jsonb_exists")
def _exists(j: Jsonb, key: str) -> bool:
    value = j.value
    if isinstance(value, dict):
        return key in value
    if isinstance(value, list):
        return any(isinstance(v, str) and v == key for v in value)
    return isinstance(value, str) and value == key


@register("jsonb_concat")
def _concat(a: Jsonb, b: Jsonb) -> Jsonb:
    x, y = a.value, b.value
    if isinstance(x, dict) and isinstance(y, dict):
        from fdwsh.types.json import _key_order
        merged = {**x, **y}
        return Jsonb({k: merged[k] for k in sorted(merged, key=_key_order)})
    left = x if isinstance(x, list) else [x]
    right = y if isinstance(y, list) else [y]
    return Jsonb(left + right)


def _typeof(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "boolean"
    if isinstance(value, (Decimal, int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object" if isinstance(value, dict) else "array"


register("jsonb_typeof")(lambda j: _typeof(j.value))
register("json_typeof")(lambda s: _typeof(parse_jsonb(s).value))


@register("jsonb_array_length")
def _array_length(j: Jsonb) -> int:
    if isinstance(j.value, list):
        return len(j.value)
    if isinstance(j.value, dict):
        raise E.invalid("cannot get array length of a non-array")
    raise E.invalid("cannot get array length of a scalar")


register("json_array_length")(lambda s: _array_length(parse_jsonb(s)))


def _pretty(value: Any, depth: int) -> str:
    pad = "    " * (depth + 1)
    if isinstance(value, dict):
        if not value:
            return "{\n" + "    " * depth + "}"
        items = [f"{pad}{escape_json(k)}: {_pretty(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "    " * depth + "}"
    if isinstance(value, list):
        if not value:
            return "[\n" + "    " * depth + "]"
        items = [pad + _pretty(v, depth + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + "    " * depth + "]"
    return format_jsonb(Jsonb(value))


register("jsonb_pretty")(lambda j: _pretty(j.value, 0))


def _scalar_cast(label: str, convert: Any) -> Any:
    def cast(j: Jsonb) -> Any:
        value = j.value
        if value is None:
            return None
        wanted = "boolean" if label == "boolean" else "number"
        if _typeof(value) != wanted:
            raise E.invalid(f"cannot cast jsonb {_describe(value)} to type {label}")
        return convert(value)
    return cast


def _describe(value: Any) -> str:
    kind = _typeof(value)
    return {"number": "numeric", "object": "object", "array": "array"}.get(kind, kind)


register("jsonb_bool")(_scalar_cast("boolean", bool))
register("jsonb_numeric")(_scalar_cast("numeric", lambda v: v))
register("jsonb_int4")(_scalar_cast("integer", lambda v: _int_cast(v, 32)))
register("jsonb_int8")(_scalar_cast("bigint", lambda v: _int_cast(v, 64)))
register("jsonb_int2")(_scalar_cast("smallint", lambda v: _int_cast(v, 16)))
register("jsonb_float8")(_scalar_cast("double precision", float))


def _int_cast(v: Decimal, bits: int) -> int:
    from fdwsh.exec.fn_casts import _numeric_to_int
    return _numeric_to_int(bits)(v)



def jsonb_sort_key(j: Jsonb) -> Any:
    """jsonb's btree order: object > array > boolean > number > string > null; containers
    by size first, then members in storage order (object keys shorter first)."""
    return _key(j.value)


def _key(value: Any) -> Any:
    if value is None:
        return (0,)
    if isinstance(value, str):
        return (1, value)
    if value is True or value is False:
        return (3, value)
    if isinstance(value, Decimal):
        return (2, (1, Decimal(0)) if value.is_nan() else (0, value))
    if isinstance(value, list):
        return (4, len(value), tuple(_key(v) for v in value))
    return (5, len(value), tuple(((len(k.encode()), k.encode()), _key(v))
                                 for k, v in value.items()))
