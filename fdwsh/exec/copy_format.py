r"""COPY's text and CSV data formats, both ways (PostgreSQL 15's copyfromparse.c and copyto.c).

Reading: :func:`text_fields` and :func:`csv_fields` split one line (a record, without its
newline) into raw field values, ``None`` for the NULL marker, as CopyReadAttributesText /
CopyReadAttributesCSV do: in text format the NULL marker is matched before de-escaping and
``\<delimiter>`` is a literal delimiter; in CSV an unquoted field equal to the NULL string is
NULL and a quoted one never is.  :func:`csv_fields` returns None when the line ends inside a
quoted field (the record continues on the next line), and raises
:class:`UnquotedCarriageReturn` for a carriage return outside quotes.

Writing: :func:`text_writer` and :func:`csv_writer` turn a row of text values into one output
line (CopyAttributeOutText / CopyAttributeOutCSV).  :func:`remote_line` is the text-format line
sent to a remote ``COPY ... FROM STDIN`` (default options).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from fdwsh.exec.copy_options import CopyOptions

Fields = list[str | None]

_TEXT_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_OCTAL = frozenset("01234567")
_HEX = frozenset("0123456789abcdefABCDEF")


def _unescape(raw: str) -> str:
    """De-escape one text-format field (``\\n``, ``\\t``, octal ``\\123``, hex ``\\x41`` …)."""
    out: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c != "\\" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        c = raw[i + 1]
        i += 2
        if c in _OCTAL:
            j = i
            while j < n and j < i + 2 and raw[j] in _OCTAL:
                j += 1
            out.append(chr(int(c + raw[i:j], 8) & 0xFF))
            i = j
        elif c == "x" and i < n and raw[i] in _HEX:
            j = i + 1 if i + 1 < n and raw[i + 1] in _HEX else i
            out.append(chr(int(raw[i:j + 1], 16)))
            i = j + 1
        else:
            out.append(_TEXT_ESCAPES.get(c, c))
    return "".join(out)


def text_fields(line: str, opts: CopyOptions) -> Fields:
    """The fields of one text-format line."""
    delim, null = opts.delimiter or "\t", opts.null
    if "\\" not in line:
        return [None if f == null else f for f in line.split(delim)]
    fields: Fields = []
    start, i, n = 0, 0, len(line)
    while True:
        while i < n and line[i] != delim:
            i += 2 if line[i] == "\\" else 1
        raw = line[start:min(i, n)]
        fields.append(None if raw == null else _unescape(raw) if "\\" in raw else raw)
        if i >= n:
            return fields
        i += 1
        start = i


class UnquotedCarriageReturn(Exception):
    """A carriage return outside quotes in CSV data (PostgreSQL refuses it)."""


def csv_fields(line: str, opts: CopyOptions) -> Fields | None:
    """The fields of one CSV record, or None when a quoted field runs past the line's end."""
    delim, quote, escape, null = opts.delimiter, opts.quote, opts.escape, opts.null
    fields: Fields = []
    i, n = 0, len(line)
    while True:
        parts: list[str] = []
        quoted = False
        while i < n and line[i] != delim:
            if line[i] != quote:
                j = i
                while j < n and line[j] not in (delim, quote):
                    j += 1
                if "\r" in line[i:j]:
                    raise UnquotedCarriageReturn()
                parts.append(line[i:j])
                i = j
                continue
            quoted = True
            i += 1
            while True:
                if i >= n:
                    return None
                c = line[i]
                if c == escape and i + 1 < n and line[i + 1] in (quote, escape):
                    parts.append(line[i + 1])
                    i += 2
                elif c == quote:
                    i += 1
                    break
                else:
                    parts.append(c)
                    i += 1
        value = "".join(parts)
        fields.append(None if not quoted and value == null else value)
        if i >= n:
            return fields
        i += 1


# -- writing -----------------------------------------------------------------------------------

_TEXT_OUT = {"\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
             "\v": "\\v"}
_NEEDS_TEXT_ESCAPE = re.compile(r"[\\\b\f\n\r\t\v]")


def _text_escaper(delim: str) -> Callable[[str], str]:
    table = {**_TEXT_OUT, delim: "\\" + delim} if delim not in _TEXT_OUT else _TEXT_OUT
    pattern = re.compile("[" + re.escape("".join(table)) + "]")

    def escape(value: str) -> str:
        return pattern.sub(lambda m: table[m.group()], value)

    return escape


def text_writer(opts: CopyOptions) -> Callable[[Sequence[str | None]], str]:
    """Row → one text-format line (with its newline)."""
    delim = opts.delimiter or "\t"
    null = opts.null if opts.null is not None else "\\N"
    escape = _text_escaper(delim)
    plain = re.compile("[" + re.escape("\\\b\f\n\r\t\v" + delim) + "]")

    def write(row: Sequence[str | None]) -> str:
        return delim.join(null if v is None else escape(v) if plain.search(v) else v
                          for v in row) + "\n"

    return write


def csv_writer(opts: CopyOptions, columns: Sequence[str]
               ) -> Callable[[Sequence[str | None]], str]:
    """Row → one CSV line: a value is quoted when forced or when it holds the delimiter, the
    quote, a newline, equals the NULL string, or is ``\\.`` alone on its line (one column)."""
    delim, quote, escape, null = opts.delimiter, opts.quote, opts.escape, opts.null
    assert delim is not None and quote is not None and escape is not None and null is not None
    forced = [opts.force_quote_all or name in opts.force_quote for name in columns]
    special = re.compile("[" + re.escape(delim + quote + "\r\n") + "]")  # not the escape
    inner = re.compile("[" + re.escape(quote + escape) + "]")

    single = len(columns) == 1

    def field(value: str | None, force: bool) -> str:
        if value is None:
            return null
        if force or value == null or special.search(value) or (single and value == "\\."):
            return quote + inner.sub(lambda m: escape + m.group(), value) + quote
        return value

    def write(row: Sequence[str | None]) -> str:
        return delim.join(field(v, f) for v, f in zip(row, forced)) + "\n"

    return write


def header_line(opts: CopyOptions, columns: Sequence[str]) -> str:
    """COPY TO's HEADER line: the column names, written as values (never forced quotes)."""
    if opts.csv:
        plain = CopyOptions(is_from=False, format="csv", delimiter=opts.delimiter,
                            null=opts.null, quote=opts.quote, escape=opts.escape)
        return csv_writer(plain, columns)(list(columns))
    return text_writer(opts)(list(columns))


_REMOTE_ESCAPE = _text_escaper("\t")


def remote_line(row: Sequence[str | None]) -> str:
    """A row in COPY's default text format, as sent to the remote server."""
    return "\t".join("\\N" if v is None else _REMOTE_ESCAPE(v) if _NEEDS_TEXT_ESCAPE.search(v)
                     else v for v in row) + "\n"
