"""Column DEFAULT expressions stored as the text PostgreSQL's ``\\d`` shows (``pg_get_expr``).

Contract: :func:`default_text` turns a column's raw DEFAULT expression (a pglast node) into the
text ``pg_get_expr(adbin, adrelid, true)`` prints for it after PostgreSQL 15 has cooked it for a
column of the given type, or None when PostgreSQL stores no default (a plain NULL).

Covered exactly: constants (an untyped literal becomes a constant of the column's type, checked
and normalised for the integer, boolean, numeric and string types), casts of constants,
``CURRENT_DATE``-style SQL value functions, calls of functions without arguments (``now()``)
and binary operators between those.  Anything else keeps pglast's deparsed text (RawStream).
The implicit casts PostgreSQL adds to reach the column type print as nothing, as in PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pglast import ast, parse_sql
from pglast.enums import SQLValueFunctionOp
from pglast.stream import RawStream

from fdwsh.errors import FdwshError
from fdwsh.pgtypes import (TypeRef, WarnFn, can_coerce, format_type, lookup_type,
                           resolve_type_name)

_INT_LABELS = {"int2": ("smallint", 16), "int4": ("integer", 32), "int8": ("bigint", 64)}
#: SQL value functions: how ruleutils prints them, and their result types.
_SVF = {
    SQLValueFunctionOp.SVFOP_CURRENT_DATE: ("CURRENT_DATE", "date"),
    SQLValueFunctionOp.SVFOP_CURRENT_TIME: ("CURRENT_TIME", "timetz"),
    SQLValueFunctionOp.SVFOP_CURRENT_TIME_N: ("CURRENT_TIME", "timetz"),
    SQLValueFunctionOp.SVFOP_CURRENT_TIMESTAMP: ("CURRENT_TIMESTAMP", "timestamptz"),
    SQLValueFunctionOp.SVFOP_CURRENT_TIMESTAMP_N: ("CURRENT_TIMESTAMP", "timestamptz"),
    SQLValueFunctionOp.SVFOP_LOCALTIME: ("LOCALTIME", "time"),
    SQLValueFunctionOp.SVFOP_LOCALTIME_N: ("LOCALTIME", "time"),
    SQLValueFunctionOp.SVFOP_LOCALTIMESTAMP: ("LOCALTIMESTAMP", "timestamp"),
    SQLValueFunctionOp.SVFOP_LOCALTIMESTAMP_N: ("LOCALTIMESTAMP", "timestamp"),
    SQLValueFunctionOp.SVFOP_CURRENT_ROLE: ("CURRENT_ROLE", "name"),
    SQLValueFunctionOp.SVFOP_CURRENT_USER: ("CURRENT_USER", "name"),
    SQLValueFunctionOp.SVFOP_USER: ("USER", "name"),
    SQLValueFunctionOp.SVFOP_SESSION_USER: ("SESSION_USER", "name"),
    SQLValueFunctionOp.SVFOP_CURRENT_CATALOG: ("CURRENT_CATALOG", "name"),
    SQLValueFunctionOp.SVFOP_CURRENT_SCHEMA: ("CURRENT_SCHEMA", "name"),
}
#: Result types of built-in functions without arguments that column defaults often call
#: (pg_proc.prorettype in PostgreSQL 15); other functions are taken on trust.
FUNCTION_TYPES = {
    "now": "timestamptz", "transaction_timestamp": "timestamptz",
    "statement_timestamp": "timestamptz", "clock_timestamp": "timestamptz",
    "pg_postmaster_start_time": "timestamptz", "timeofday": "text", "random": "float8",
    "pi": "float8", "gen_random_uuid": "uuid", "pg_backend_pid": "int4", "version": "text",
    "current_database": "name", "txid_current": "int8", "pg_current_xact_id": "xid8",
    "inet_client_addr": "inet", "inet_server_addr": "inet",
}


@dataclass(frozen=True, slots=True)
class _Expr:
    """A rendered sub-expression; ``literal`` is set for a still untyped string constant."""

    text: str
    literal: str | None = None
    null: bool = False
    simple: bool = True
    type: TypeRef | None = None
    null_cast: bool = False


@dataclass(frozen=True, slots=True)
class _Env:
    warn: WarnFn | None
    positions: dict[int, int]

    def pos(self, node: ast.Node) -> int | None:
        """The node's cursor position (constants: from ``positions``, keyed by id)."""
        if isinstance(node, ast.A_Const):
            return self.positions.get(id(node))
        loc = getattr(node, "location", None)
        return None if loc is None or loc < 0 else loc + 1


def default_text(node: ast.Node, column: TypeRef, *, column_name: str = "?",
                 warn: WarnFn | None = None, positions: dict[int, int] | None = None
                 ) -> str | None:
    """``pg_get_expr()`` text of ``DEFAULT node`` on a column ``column_name`` of type ``column``.

    ``positions`` gives the cursor positions of constants (``ddl_common.literal_positions``),
    for the errors of values that the column's type does not accept.
    """
    env = _Env(warn, positions or {})
    expr = _render(node, env)
    if expr.null or (expr.null_cast and expr.type == column and column.typmod == -1):
        return None  # a NULL constant of the column's own type: PostgreSQL stores no default
    if expr.literal is not None:
        return _typed_const(column, expr.literal, env.pos(node))
    if expr.type is not None and not can_coerce(expr.type.type.oid, column.type.oid, "a"):
        raise FdwshError(
            f'column "{column_name}" is of type {format_type(column.type.oid, None)} but '
            f"default expression is of type {format_type(expr.type.type.oid, None)}",
            sqlstate="42804", hint="You will need to rewrite or cast the expression.")
    return expr.text


def default_type(text: str) -> TypeRef | None:
    """The type of a stored default expression, where fdwsh can tell (None: unknown)."""
    node = parse_sql(f"SELECT {text}")[0].stmt.targetList[0].val
    try:
        return _render(node, _Env(None, {})).type
    except FdwshError:
        return None


def quote_literal(value: str) -> str:
    """ruleutils.c simple_quote_literal() (standard_conforming_strings on)."""
    return "'" + value.replace("'", "''") + "'"


def _render(node: ast.Node, env: _Env) -> _Expr:
    if isinstance(node, ast.A_Const):
        return _const(node)
    if isinstance(node, ast.TypeCast):
        return _cast(node, env)
    if isinstance(node, ast.SQLValueFunction):
        text, type_name = _SVF[node.op]
        return _Expr(f"{text}({node.typmod})" if node.typmod is not None and node.typmod >= 0
                     else text, type=_builtin(type_name))
    if isinstance(node, ast.FuncCall) and not node.args and not node.agg_star \
            and node.over is None:
        name = node.funcname[-1].sval
        schema = node.funcname[0].sval if len(node.funcname) > 1 else "pg_catalog"
        known = FUNCTION_TYPES.get(name) if schema == "pg_catalog" else None
        return _Expr(f"{name}()", type=_builtin(known) if known else None)
    if _is_binary_op(node):
        left = _render(node.lexpr, env)
        right = _render(node.rexpr, env)
        left, right = (_unknown_as_other(left, right, env.pos(node.lexpr)),
                       _unknown_as_other(right, left, env.pos(node.rexpr)))
        if left.literal is None and right.literal is None and left.simple and right.simple \
                and not left.null and not right.null:
            return _Expr(f"{left.text} {node.name[-1].sval} {right.text}", simple=False)
    return _Expr(RawStream()(node), simple=False)


def _unknown_as_other(expr: _Expr, other: _Expr, position: int | None) -> _Expr:
    """binary_oper_exact(): an untyped literal facing a typed operand takes the other's type."""
    if expr.literal is None or other.type is None:
        return expr
    return _Expr(_typed_const(TypeRef(other.type.type), expr.literal, position),
                 type=TypeRef(other.type.type))


def _is_binary_op(node: ast.Node) -> bool:
    return (isinstance(node, ast.A_Expr) and node.kind.name == "AEXPR_OP"
            and node.lexpr is not None and node.rexpr is not None and len(node.name) == 1)


def _const(node: ast.A_Const) -> _Expr:
    """make_const() + get_const_expr(): how the parser types a literal, how ruleutils prints it."""
    if node.isnull:
        return _Expr("NULL", null=True)
    val = node.val
    if isinstance(val, ast.Integer):
        return _Expr(str(val.ival) if val.ival >= 0 else f"'{val.ival}'::integer",
                     type=_builtin("int4"))
    if isinstance(val, ast.Boolean):
        return _Expr("true" if val.boolval else "false", type=_builtin("bool"))
    if isinstance(val, ast.String):
        return _Expr(quote_literal(val.sval), literal=val.sval)
    if isinstance(val, ast.Float):
        text = val.fval
        digits = text[1:] if text[:1] in "+-" else text
        if digits.isdigit() and -2**63 <= int(text) < 2**63:
            return _Expr(f"'{int(text)}'::bigint", type=_builtin("int8"))
        return _Expr(_numeric_const(_numeric_out(text, None), -1), type=_builtin("numeric"))
    return _Expr(RawStream()(node), simple=False)


def _cast(node: ast.TypeCast, env: _Env) -> _Expr:
    target = resolve_type_name(node.typeName, warn=env.warn)
    arg = _render(node.arg, env)
    if arg.null:
        return _Expr(f"NULL::{target.format()}", type=target, null_cast=True)
    if arg.literal is not None:
        if target.typmod >= 0 and target.type.name != "interval":
            bare = _typed_const(TypeRef(target.type), arg.literal, env.pos(node.arg), bare=True)
            return _Expr(f"{bare}::{target.format()}", type=target)
        return _Expr(_typed_const(target, arg.literal, env.pos(node.arg)), type=target)
    if arg.type == target:
        return arg
    text = arg.text if arg.simple else f"({arg.text})"
    return _Expr(f"{text}::{target.format()}", type=target)


def _builtin(name: str) -> TypeRef:
    return TypeRef(lookup_type(name))  # type: ignore[arg-type]


def _typed_const(t: TypeRef, value: str, pos: int | None, *, bare: bool = False) -> str:
    """A literal coerced to type ``t`` (typmod kept only for interval, as coerce_type does)."""
    name = t.type.name
    typmod = t.typmod if name == "interval" else -1
    if name in _INT_LABELS:
        number = _int_in(name, value, pos)
        if name == "int4" and number >= 0:
            return str(number)
        return f"'{number}'" if bare else f"'{number}'::{format_type(t.type.oid, typmod)}"
    if name == "bool":
        return "true" if _bool_in(value, pos) else "false"
    if name == "numeric":
        text = _numeric_out(value, pos)
        if bare:
            return text if text[:1].isdigit() and any(c in text for c in ".eE") else f"'{text}'"
        return _numeric_const(text, typmod)
    literal = quote_literal(value)
    return literal if bare else f"{literal}::{format_type(t.type.oid, typmod)}"


def _numeric_const(text: str, typmod: int) -> str:
    if text[:1].isdigit() and any(c in text for c in ".eE") and typmod < 0:
        return text
    return f"'{text}'::{format_type(lookup_type('numeric').oid, typmod)}"  # type: ignore[union-attr]


def _int_in(name: str, value: str, pos: int | None) -> int:
    label, bits = _INT_LABELS[name]
    body = value.strip(" \t\n\r\v\f")
    digits = body[1:] if body[:1] in "+-" else body
    if not digits or not digits.isascii() or not digits.isdigit():
        raise FdwshError(f'invalid input syntax for type {label}: "{value}"',
                         sqlstate="22P02", position=pos)
    number = int(body)
    if not -2**(bits - 1) <= number < 2**(bits - 1):
        raise FdwshError(f'value "{value}" is out of range for type {label}',
                         sqlstate="22003", position=pos)
    return number


def _bool_in(value: str, pos: int | None) -> bool:
    """boolin(): unambiguous prefixes of true/false/yes/no, on/off, 1/0, any case."""
    text = value.strip(" \t\n\r\v\f").lower()
    if text:
        for word, result in (("true", True), ("false", False), ("yes", True), ("no", False)):
            if word.startswith(text):
                return result
        if len(text) >= 2 and "on".startswith(text):
            return True
        if len(text) >= 2 and "off".startswith(text):
            return False
        if text in ("1", "0"):
            return text == "1"
    raise FdwshError(f'invalid input syntax for type boolean: "{value}"', sqlstate="22P02",
                     position=pos)


def _numeric_out(value: str, pos: int | None) -> str:
    """numeric_in() then numeric_out(): plain notation keeping the input's scale."""
    text = value.strip(" \t\n\r\v\f")
    special = {"nan": "NaN", "infinity": "Infinity", "+infinity": "Infinity", "inf": "Infinity",
               "+inf": "Infinity", "-infinity": "-Infinity", "-inf": "-Infinity"}
    if text.lower() in special:
        return special[text.lower()]
    try:
        if not text or not (text[0].isdigit() or text[0] in "+-.") or "_" in text:
            raise InvalidOperation
        number = Decimal(text)
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise FdwshError(f'invalid input syntax for type numeric: "{value}"', sqlstate="22P02",
                         position=pos) from None
    exponent = number.as_tuple().exponent
    scale = max(0, -exponent) if isinstance(exponent, int) else 0
    out = f"{number:.{scale}f}"
    return out[1:] if out.startswith("-") and Decimal(out) == 0 else out
