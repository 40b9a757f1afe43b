r"""psql's object-name patterns for the ``\d`` family, matched in Python.

The rules are psql 15's (fe_utils/string_utils.c patternToSQLRegex() and processSQLNamePattern(),
describe.c validateSQLNamePattern()):

* ``*`` is any run of characters, ``?`` one character; everything else outside double quotes is a
  regular expression character (so ``\des s(1|2)`` works), except ``$`` (always literal) and
  ``[]`` (literal, an array type name is likelier than a bracket expression).
* unquoted ASCII letters are folded to lower case; inside double quotes text is literal and
  case-sensitive, ``""`` is one quote.
* an unquoted ``.`` separates database, schema and name; the pattern must match the whole name.

:func:`pattern_to_regex` produces exactly the regular expressions psql sends (``psql -E`` shows
them); :func:`name_filter` adds psql's decisions (which parts constrain anything, whether only
objects visible on the search path qualify) and compiles the expressions for Python's ``re``
(PostgreSQL's ARE dialect, translated where the two differ in ways people type).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

from fdwsh.errors import FdwshError

#: Characters psql backslash-escapes inside double quotes (string_utils.c).
_REGEX_SPECIALS = "|*+?()[]{}.^$\\"


class PsqlLogError(Exception):
    r"""A message psql reports itself (pg_log_error), not the server.

    Printed without ``ERROR:`` (with psql's ``psql:FILE:LINE: error:`` prefix when a script runs);
    ``failed`` tells whether the meta-command counts as failed (ON_ERROR_STOP, exit status), as it
    does for a bad pattern but not for e.g. ``\dE nosuch`` ("Did not find any relation ...").
    """

    def __init__(self, message: str, *, failed: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.failed = failed


class PatternError(PsqlLogError):
    """A pattern with too many dotted parts, or naming another database."""


@dataclass(frozen=True, slots=True)
class SplitPattern:
    """A pattern cut into psql's regular expressions (each ``^(...)$``).

    ``dbname`` is the literal text before the first dot (only when all three parts were given),
    ``schema`` is None when the pattern named no schema; ``dotcnt`` counts every unquoted dot,
    including those beyond the parts asked for (which stay in ``name`` as regex ``.``).
    """

    name: str
    schema: str | None = None
    dbname: str | None = None
    dotcnt: int = 0


def pattern_to_regex(pattern: str, *, parts: int = 1, force_escape: bool = False) -> SplitPattern:
    r"""patternToSQLRegex(): ``parts`` is 1 (name), 2 (schema.name) or 3 (db.schema.name).

    >>> pattern_to_regex("Foo*").name
    '^(foo.*)$'
    >>> pattern_to_regex('"Foo".b?r', parts=3)
    SplitPattern(name='^(b.r)$', schema='^(Foo)$', dbname=None, dotcnt=1)
    >>> pattern_to_regex('mydb."a.b".x$', parts=3)
    SplitPattern(name='^(x\\$)$', schema='^(a\\.b)$', dbname='mydb', dotcnt=2)
    >>> pattern_to_regex('s(1|2)').name, pattern_to_regex('a[]').name
    ('^(s(1|2))$', '^(a\\[])$')
    >>> pattern_to_regex('a.b')
    SplitPattern(name='^(a.b)$', schema=None, dbname=None, dotcnt=1)
    """
    bufs = ["^("]
    left_literal: list[str] = []  # the db part as typed, until the first dot
    left = True
    dotcnt = 0
    inquotes = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        out = None  # what goes into the regex
        lit = ch  # what goes into left_literal
        if ch == '"':
            if inquotes and pattern[i + 1:i + 2] == '"':
                out = lit = '"'
                i += 1
            else:
                inquotes = not inquotes
                lit = ""
                out = ""
        elif not inquotes and "A" <= ch <= "Z":
            out = lit = ch.lower()
        elif not inquotes and ch == "*":
            out = ".*"
        elif not inquotes and ch == "?":
            out = "."
        elif not inquotes and ch == ".":
            left = False
            dotcnt += 1
            if len(bufs) < parts:
                bufs[-1] += ")$"
                bufs.append("^(")
                i += 1
                continue
            out = "."
        elif ch == "$":
            out = "\\$"
        else:
            escape = ((inquotes or force_escape) and ch in _REGEX_SPECIALS) or (
                ch == "[" and pattern[i + 1:i + 2] == "]")
            out = "\\" + ch if escape else ch
        bufs[-1] += out
        if left:
            left_literal.append(lit)
        i += 1
    bufs[-1] += ")$"
    return _assign(bufs, parts, "".join(left_literal), dotcnt)


def _assign(bufs: list[str], parts: int, left: str, dotcnt: int) -> SplitPattern:
    """Hand the filled buffers out from the last (name) backwards, as psql does."""
    name = bufs[-1]
    schema = bufs[-2] if parts >= 2 and len(bufs) >= 2 else None
    dbname = left if parts >= 3 and len(bufs) >= 3 else None
    return SplitPattern(name=name, schema=schema, dbname=dbname, dotcnt=dotcnt)


_MATCH_ALL = "^(.*)$"


@dataclass(frozen=True, slots=True)
class NameFilter:
    """Which objects a pattern selects (processSQLNamePattern()'s WHERE clauses).

    ``name_regex``/``schema_regex`` are psql's expressions (None: no constraint, as for ``*``);
    ``visible_only`` asks the caller to apply its visibility rule (pg_table_is_visible) because the
    pattern named no schema.
    """

    name_regex: str | None = None
    schema_regex: str | None = None
    visible_only: bool = True

    def name_matches(self, name: str) -> bool:
        return self.name_regex is None or _compile(self.name_regex).search(name) is not None

    def schema_matches(self, schema: str) -> bool:
        return self.schema_regex is None or _compile(self.schema_regex).search(schema) is not None


def name_filter(pattern: str | None, *, maxparts: int = 1, schema: bool = False,
                dbname: str | None = None) -> NameFilter:
    """validateSQLNamePattern() + processSQLNamePattern() for a describe command.

    ``schema`` says whether the command matches a schema part (psql's schemavar); ``maxparts`` is
    how many dotted parts it accepts; ``dbname`` is the current database (None: not connected to
    one, so any database part is "another database").  Raises :class:`PatternError` with psql's
    messages, and FdwshError("invalid regular expression: ...") as the server would.

    >>> f = name_filter("pub*.T*", maxparts=3, schema=True)
    >>> f.schema_matches("public"), f.name_matches("t1"), f.name_matches("T1"), f.visible_only
    (True, True, False, False)
    >>> name_filter("*").name_regex is None
    True
    >>> for bad in ("a.b", "x.public"):
    ...     try:
    ...         name_filter(bad, maxparts=1 if bad == "a.b" else 2)
    ...     except PatternError as exc:
    ...         print(exc)
    improper qualified name (too many dotted names): a.b
    cross-database references are not implemented: x.public
    """
    if pattern is None:
        return NameFilter()
    split = pattern_to_regex(pattern, parts=3 if schema else 1)
    _validate(pattern, split, maxparts, dbname)
    name_regex = None if split.name == _MATCH_ALL else split.name
    if split.schema is None:
        result = NameFilter(name_regex=name_regex, visible_only=True)
    else:
        schema_regex = None if split.schema == _MATCH_ALL else split.schema
        result = NameFilter(name_regex=name_regex, schema_regex=schema_regex, visible_only=False)
    for regex in (result.name_regex, result.schema_regex):
        if regex is not None:
            _compile(regex)  # a bad expression fails now, as the server's query would
    return result


def _validate(pattern: str, split: SplitPattern, maxparts: int, dbname: str | None) -> None:
    """The dotted-name checks of validateSQLNamePattern()."""
    if split.dotcnt >= maxparts:
        raise PatternError(f"improper qualified name (too many dotted names): {pattern}")
    if maxparts > 1 and split.dotcnt == maxparts - 1:
        if dbname is None or (split.dbname or "") != dbname:
            raise PatternError(f"cross-database references are not implemented: {pattern}")


# --- PostgreSQL ARE -> Python re --------------------------------------------------------------

_POSIX_CLASSES = {
    "alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z",
    "space": " \\t\\n\\r\\f\\v", "blank": " \\t", "xdigit": "0-9A-Fa-f", "word": "\\w",
    "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"), "cntrl": "\\x00-\\x1f\\x7f",
    "print": "\\x20-\\x7e", "graph": "\\x21-\\x7e",
}
_ESCAPES = {"m": r"\b", "M": r"\b", "y": r"\b", "Y": r"\B"}
_RE_MESSAGES = (
    ("missing )", "parentheses () not balanced"),
    ("unbalanced parenthesis", "parentheses () not balanced"),
    ("unterminated character set", "brackets [] not balanced"),
    ("nothing to repeat", "quantifier operand invalid"),
    ("multiple repeat", "quantifier operand invalid"),
    ("min repeat greater than max repeat", "invalid repetition count(s)"),
    ("bad character range", "invalid character range"),
    ("bad escape", "invalid escape \\ sequence"),
)


@lru_cache(maxsize=256)
def _compile(pg_regex: str) -> re.Pattern[str]:
    """Compile one of psql's ``^(...)$`` expressions; anchored at the true end of the name."""
    try:
        body = are_to_python(pg_regex[:-1]) + r"\Z"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "possible nested set" etc.: ARE text, not a bug
            return re.compile(body, re.ASCII)
    except re.error as exc:
        raise FdwshError(f"invalid regular expression: {_pg_message(exc)}",
                         sqlstate="2201B") from None


def _pg_message(exc: re.error) -> str:
    """PostgreSQL's regerror() wording for the mistakes people make in patterns."""
    for python_text, pg_text in _RE_MESSAGES:
        if str(exc.msg).startswith(python_text):
            return pg_text
    return str(exc.msg)


def are_to_python(regex: str) -> str:
    r"""Translate the parts of PostgreSQL's ARE syntax that Python's ``re`` spells differently:
    POSIX classes inside brackets, the word-boundary escapes ``\m \M \y \Y``, and ``+`` after
    a quantifier (possessive in Python, an error in PostgreSQL).

    >>> are_to_python(r'^([[:digit:]]+\y)')
    '^([0-9]+\\b)'
    """
    out: list[str] = []
    after_quantifier = False
    i = 0
    while i < len(regex):
        ch = regex[i]
        quantifier = False
        if ch == "\\" and i + 1 < len(regex):
            nxt = regex[i + 1]
            out.append(_ESCAPES.get(nxt, ch + nxt))
            i += 2
        elif ch == "[":
            text, i = _bracket(regex, i)
            out.append(text)
        elif ch == "{" and (bound := _BOUND.match(regex, i)):
            out.append(bound.group(0))
            i = bound.end()
            quantifier = True
        else:
            if ch == "+" and after_quantifier:
                raise re.error("multiple repeat")
            quantifier = ch in "*+?"
            out.append(ch)
            i += 1
        after_quantifier = quantifier
    return "".join(out)


_BOUND = re.compile(r"\{\d+(,\d*)?\}")


def _bracket(regex: str, start: int) -> tuple[str, int]:
    """Copy a bracket expression starting at ``regex[start] == '['``; returns (text, next index).

    A ``]`` right after ``[`` or ``[^`` is literal in both dialects.
    """
    i = start + 1
    out = ["["]
    if regex[i:i + 1] == "^":
        out.append("^")
        i += 1
    if regex[i:i + 1] == "]":
        out.append("\\]")
        i += 1
    while i < len(regex) and regex[i] != "]":
        m = re.match(r"\[:([a-z]+):\]", regex[i:])
        if m and m.group(1) in _POSIX_CLASSES:
            out.append(_POSIX_CLASSES[m.group(1)])
            i += m.end()
        elif regex[i] == "\\" and i + 1 < len(regex):
            out.append(regex[i:i + 2])
            i += 2
        else:
            out.append("\\[" if regex[i] == "[" else regex[i])
            i += 1
    if i >= len(regex):
        raise re.error("unterminated character set")
    out.append("]")
    return "".join(out), i + 1
