"""COPY's options, read and checked as PostgreSQL 15's ProcessCopyOptions (commands/copy.c).

Both spellings pglast parses arrive as the same DefElem list: ``WITH (FORMAT csv, HEADER)``
and the old ``CSV HEADER``.  Each option is read in order (a repeated one is ``conflicting or
redundant options`` at its position); the combination rules and their messages follow the
loop, in PostgreSQL's order, so the first message a statement gets is PostgreSQL's.

``ENCODING`` is checked to be an encoding name; data read as bytes (``\\copy`` files and
programs) is decoded from it (:mod:`fdwsh.exec.copy_encoding`); the script's own lines are
already text.  ``FREEZE`` is accepted and refused at run time, as PostgreSQL does
for a foreign table (which no transaction of ours created).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pglast import ast

from fdwsh.errors import FdwshError, SyntaxErr

INVALID_PARAMETER = "22023"
#: pg_encoding_to_char names (PostgreSQL 15's pg_enc2name_tbl) and common aliases it accepts.
ENCODINGS = frozenset(
    "sql_ascii euc_jp euc_cn euc_kr euc_tw euc_jis_2004 utf8 mule_internal latin1 latin2 "
    "latin3 latin4 latin5 latin6 latin7 latin8 latin9 latin10 win1256 win1258 win866 win874 "
    "koi8r win1251 win1252 iso_8859_5 iso_8859_6 iso_8859_7 iso_8859_8 win1250 win1253 "
    "win1254 win1255 win1257 koi8u sjis big5 gbk uhc gb18030 johab shift_jis_2004 unicode "
    "utf_8 win tcvn tcvn5712 vscii alt win932 win936 win949 win950 mskanji shiftjis "
    "abc iso88591 iso88592 iso88593 iso88594 iso88599 iso885910 iso885913 iso885914 "
    "iso885915 iso885916 koi8 windows932 windows936 windows949 windows950".split())


@dataclass(slots=True)
class CopyOptions:
    """The options of one COPY (PostgreSQL's CopyFormatOptions)."""

    is_from: bool
    format: str = "text"  # text | csv | binary
    header: bool = False
    header_match: bool = False
    delimiter: str | None = None
    null: str | None = None
    quote: str | None = None
    escape: str | None = None
    force_quote_all: bool = False
    force_quote: tuple[str, ...] = ()
    force_not_null: tuple[str, ...] = ()
    force_null: tuple[str, ...] = ()
    encoding: str | None = None
    freeze: bool = False
    seen: set[str] = field(default_factory=set)

    @property
    def csv(self) -> bool:
        return self.format == "csv"

    @property
    def binary(self) -> bool:
        return self.format == "binary"


def _position(node: ast.Node) -> int | None:
    location = getattr(node, "location", None)
    return None if location is None or location < 0 else location + 1


def _string(elem: ast.DefElem) -> str:
    """defGetString: the option's value as text (``%s requires a parameter`` when absent)."""
    arg = elem.arg
    if arg is None:
        raise SyntaxErr(f"{elem.defname} requires a parameter")
    for attr in ("sval", "ival", "fval", "boolval"):
        if hasattr(arg, attr):
            value = getattr(arg, attr)
            if attr == "boolval":
                return "true" if value else "false"
            return str(value)
    raise SyntaxErr(f"{elem.defname} requires a parameter")


def _boolean(elem: ast.DefElem) -> bool:
    """defGetBoolean: no value, 0/1, true/false/on/off."""
    if elem.arg is None:
        return True
    text = _string(elem).lower()
    if text in ("true", "on", "1"):
        return True
    if text in ("false", "off", "0"):
        return False
    raise SyntaxErr(f"{elem.defname} requires a Boolean value")


def _header(elem: ast.DefElem, is_from: bool) -> tuple[bool, bool]:
    """defGetCopyHeaderChoice: (header, match)."""
    if elem.arg is None:
        return True, False
    text = _string(elem).lower()
    if text in ("true", "on", "1"):
        return True, False
    if text in ("false", "off", "0"):
        return False, False
    if text == "match":
        if not is_from:
            raise SyntaxErr(f'cannot use "{_string(elem)}" with HEADER in COPY TO')
        return True, True
    raise SyntaxErr(f'{elem.defname} requires a Boolean value or "match"')


def _column_list(elem: ast.DefElem) -> tuple[str, ...] | None:
    """A list of column names (None for ``*``)."""
    if isinstance(elem.arg, ast.A_Star):
        return None
    if isinstance(elem.arg, (list, tuple)) and all(isinstance(a, ast.String) for a in elem.arg):
        return tuple(a.sval for a in elem.arg)
    raise FdwshError(f'argument to option "{elem.defname}" must be a list of column names',
                     sqlstate="42601", position=_position(elem))


def parse_copy_options(stmt: ast.CopyStmt) -> CopyOptions:
    """The statement's options, or PostgreSQL's error for the first wrong one."""
    opts = CopyOptions(is_from=bool(stmt.is_from))
    for elem in stmt.options or ():
        _read_option(opts, elem)
    _check_combination(opts)
    return opts


def _once(opts: CopyOptions, elem: ast.DefElem, key: str) -> None:
    if key in opts.seen:
        raise SyntaxErr("conflicting or redundant options", position=_position(elem))
    opts.seen.add(key)


def _read_option(opts: CopyOptions, elem: ast.DefElem) -> None:
    name = elem.defname
    simple = {"delimiter": "delimiter", "null": "null", "quote": "quote", "escape": "escape"}
    if name == "format":
        _once(opts, elem, name)
        fmt = _string(elem)
        if fmt not in ("text", "csv", "binary"):
            raise FdwshError(f'COPY format "{fmt}" not recognized', sqlstate=INVALID_PARAMETER,
                             position=_position(elem))
        opts.format = fmt
    elif name == "freeze":
        _once(opts, elem, name)
        opts.freeze = _boolean(elem)
    elif name in simple:
        _once(opts, elem, name)
        setattr(opts, simple[name], _string(elem))
    elif name == "header":
        _once(opts, elem, name)
        opts.header, opts.header_match = _header(elem, opts.is_from)
    elif name in ("force_quote", "force_not_null", "force_null"):
        _once(opts, elem, name)
        columns = _column_list(elem)
        if name == "force_quote" and columns is None:
            opts.force_quote_all = True
        elif columns is None:
            raise FdwshError(f'argument to option "{name}" must be a list of column names',
                             sqlstate="42601", position=_position(elem))
        else:
            setattr(opts, name, columns)
    elif name == "encoding":
        _once(opts, elem, name)
        value = _string(elem)
        if value.lower().replace("-", "_") not in ENCODINGS and value.lower() not in ENCODINGS:
            raise FdwshError(f'argument to option "{name}" must be a valid encoding name',
                             sqlstate="42704", position=_position(elem))
        opts.encoding = value
    else:
        raise SyntaxErr(f'option "{name}" not recognized', position=_position(elem))


def _fail(message: str, sqlstate: str = "42601") -> None:
    raise FdwshError(message, sqlstate=sqlstate)


def _check_combination(o: CopyOptions) -> None:
    """The checks after the option loop, in ProcessCopyOptions' order."""
    if o.binary and o.delimiter is not None:
        _fail("cannot specify DELIMITER in BINARY mode")
    if o.binary and o.null is not None:
        _fail("cannot specify NULL in BINARY mode")
    if o.delimiter is None:
        o.delimiter = "," if o.csv else "\t"
    if o.null is None:
        o.null = "" if o.csv else "\\N"
    if o.csv:
        o.quote = '"' if o.quote is None else o.quote
        o.escape = o.quote if o.escape is None else o.escape
    if len(o.delimiter.encode()) != 1:
        _fail("COPY delimiter must be a single one-byte character", "0A000")
    if o.delimiter in "\r\n":
        _fail("COPY delimiter cannot be newline or carriage return", INVALID_PARAMETER)
    if "\r" in o.null or "\n" in o.null:
        _fail("COPY null representation cannot use newline or carriage return",
              INVALID_PARAMETER)
    if not o.csv and o.delimiter in "\\.abcdefghijklmnopqrstuvwxyz0123456789":
        _fail(f'COPY delimiter cannot be "{o.delimiter}"', "0A000")
    if o.binary and o.header:
        _fail("cannot specify HEADER in BINARY mode", "0A000")
    _check_csv_only(o)


def _check_csv_only(o: CopyOptions) -> None:
    if not o.csv and o.quote is not None:
        _fail("COPY quote available only in CSV mode", "0A000")
    if o.csv and len((o.quote or "").encode()) != 1:
        _fail("COPY quote must be a single one-byte character", "0A000")
    if o.csv and o.delimiter == o.quote:
        _fail("COPY delimiter and quote must be different", INVALID_PARAMETER)
    if not o.csv and o.escape is not None:
        _fail("COPY escape available only in CSV mode", "0A000")
    if o.csv and len((o.escape or "").encode()) != 1:
        _fail("COPY escape must be a single one-byte character", "0A000")
    rules = (("force quote", o.force_quote_all or bool(o.force_quote), False),
             ("force not null", bool(o.force_not_null), True),
             ("force null", bool(o.force_null), True))
    for label, given, from_only in rules:
        if given and not o.csv:
            _fail(f"COPY {label} available only in CSV mode", "0A000")
        if given and o.is_from != from_only:
            direction = "COPY FROM" if from_only else "COPY TO"
            _fail(f"COPY {label} only available using {direction}", "0A000")
    if o.delimiter in (o.null or ""):
        _fail("COPY delimiter must not appear in the NULL specification", INVALID_PARAMETER)
    if o.csv and o.quote in (o.null or ""):
        _fail("CSV quote character must not appear in the NULL specification",
              INVALID_PARAMETER)

