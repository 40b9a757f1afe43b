"""Functions over any type: concat/concat_ws/format (values printed by their output
functions), pg_typeof, num_nulls/num_nonnulls, gen_random_uuid, version.
"""

from __future__ import annotations

import uuid
from typing import Any

from fdwsh.exec import pgerrors as E
from fdwsh.exec import values
from fdwsh.exec.functions import factory, register
from fdwsh.quoting import quote_ident, quote_literal
from fdwsh.sql import oids as T


def _texts(node: Any, ctx: Any, skip: int = 0) -> list[Any]:
    """An output function for each argument (from ``skip``) of a VARIADIC "any" call."""
    settings = ctx.settings

    def out(oid: int) -> Any:
        if oid in (T.TEXT, T.VARCHAR, T.UNKNOWN, T.NAME, T.BPCHAR):
            return lambda v: v
        return lambda v: values.format_output(oid, v, settings)
    return [out(a.type) for a in node.args[skip:]]


@factory("text_concat")
def _concat(node: Any, ctx: Any) -> Any:
    outs = _texts(node, ctx)
    return lambda *args: "".join(o(a) for o, a in zip(outs, args) if a is not None)


@factory("text_concat_ws")
def _concat_ws(node: Any, ctx: Any) -> Any:
    outs = _texts(node, ctx, 1)

    def concat_ws(sep: str | None, *args: Any) -> str | None:
        if sep is None:
            return None
        return sep.join(o(a) for o, a in zip(outs, args) if a is not None)
    return concat_ws


@factory("pg_num_nulls")
def _num_nulls(node: Any, ctx: Any) -> Any:
    return lambda *args: sum(1 for a in args if a is None)


@factory("pg_num_nonnulls")
def _num_nonnulls(node: Any, ctx: Any) -> Any:
    return lambda *args: sum(1 for a in args if a is not None)


@factory("pg_typeof")
def _pg_typeof(node: Any, ctx: Any) -> Any:
    oid = node.args[0].type
    return lambda v: oid


register("gen_random_uuid")(uuid.uuid4)
register("pgsql_version")(
    lambda: "PostgreSQL 15 (fdwsh local evaluator)")


@factory("text_format", "text_format_nv")
def _format(node: Any, ctx: Any) -> Any:
    outs = _texts(node, ctx, 1)

    def fmt(spec: str | None, *args: Any) -> str | None:
        if spec is None:
            return None
        texts = [None if a is None else o(a) for o, a in zip(outs, args)]
        return format_string(spec, texts)
    return fmt


def format_string(spec: str, args: list[str | None]) -> str:
    """format(): ``%[n$][-][width]{s,I,L}`` and ``%%``."""
    out: list[str] = []
    i, n, next_arg = 0, len(spec), 0
    while i < n:
        c = spec[i]
        if c != "%":
            out.append(c)
            i += 1
            continue
        i += 1
        if i >= n:
            raise E.invalid("unterminated format() type specifier",
                            hint="For a single \"%\" use \"%%\".")
        if spec[i] == "%":
            out.append("%")
            i += 1
            continue
        i, argpos, left, width = _spec(spec, i)
        if i >= n:
            raise E.invalid("unterminated format() type specifier",
                            hint="For a single \"%\" use \"%%\".")
        kind = spec[i]
        i += 1
        if argpos is not None:
            next_arg = argpos
        if next_arg >= len(args):
            raise E.invalid("too few arguments for format()")
        value = args[next_arg]
        next_arg += 1
        out.append(_pad(_convert(kind, value), width, left))
    return "".join(out)


def _spec(spec: str, i: int) -> tuple[int, int | None, bool, int]:
    start = i
    while i < len(spec) and spec[i].isdigit():
        i += 1
    argpos = None
    if i < len(spec) and spec[i] == "$" and i > start:
        argpos = int(spec[start:i]) - 1
        if argpos < 0:
            raise E.invalid("format specifies argument 0, but arguments are numbered from 1")
        i += 1
    else:
        i = start
    left = False
    if i < len(spec) and spec[i] == "-":
        left, i = True, i + 1
    wstart = i
    while i < len(spec) and spec[i].isdigit():
        i += 1
    width = int(spec[wstart:i]) if i > wstart else 0
    return i, argpos, left, width


def _convert(kind: str, value: str | None) -> str:
    if kind == "s":
        return "" if value is None else value
    if kind == "I":
        if value is None:
            raise E.invalid("null values cannot be formatted as an SQL identifier")
        return quote_ident(value)
    if kind == "L":
        return "NULL" if value is None else quote_literal(value)
    raise E.invalid(f'unrecognized format() type specifier "{kind}"',
                    hint="For a single \"%\" use \"%%\".")


def _pad(text: str, width: int, left: bool) -> str:
    return text.ljust(width) if left else text.rjust(width)


@factory("show_config_by_name", "show_config_by_name_missing_ok")
def _current_setting(node: Any, ctx: Any) -> Any:
    """current_setting(name [, missing_ok]): the session's setting as SHOW prints it."""
    from fdwsh.errors import FdwshError

    def current_setting(name: str, missing_ok: bool = False) -> str | None:
        show = getattr(ctx.settings, "show", None)
        if show is None:
            raise E.invalid(f'unrecognized configuration parameter "{name}"', "42704")
        try:
            return show(name)
        except FdwshError:
            if missing_ok:
                return None
            raise
    return current_setting
