"""LIKE, SIMILAR TO and POSIX regular expressions of PostgreSQL, run with Python's ``re``.

LIKE patterns (``%``, ``_``, backslash escape) and SIMILAR TO patterns are translated the way
PostgreSQL translates them (like.c, similar_escape()); PostgreSQL's ARE syntax is translated to
Python's for the common constructs: ``\\m \\M \\y \\Y`` word boundaries, ``[[:class:]]``
bracket classes, ``$`` as end of string only, ``.`` matching newlines.  Compiled patterns are
cached.
"""

from __future__ import annotations

import re
from functools import lru_cache

from fdwsh.exec import pgerrors as E

_ESCAPE_SEQ = "22025"
_CLASSES = {
    "alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z",
    "space": r" \t\n\r\f\v", "blank": r" \t", "punct": r"!-/:-@\[-`{-~", "xdigit": "0-9a-fA-F",
    "word": r"\w", "cntrl": r"\x00-\x1f\x7f", "print": r"\x20-\x7e", "graph": r"\x21-\x7e",
}
_ESCAPES = {"m": r"\b(?=\w)", "M": r"\b(?<=\w)", "y": r"\b", "Y": r"\B", "Z": r"\Z",
            "A": r"\A", "b": r"\x08", "B": r"\\", "e": r"\x1b"}


_TRUE, _FALSE, _ABORT = 1, 0, -1


def _end_escape() -> Exception:
    return E.invalid("LIKE pattern must not end with escape character", _ESCAPE_SEQ)


def _match_text(t: str, ti: int, p: str, pi: int) -> int:
    """like_match.c MatchText(): TRUE, FALSE, or ABORT (no later start can match).  The
    escape error is raised only when matching reaches the escape, as in PostgreSQL."""
    tlen, plen = len(t), len(p)
    if plen - pi == 1 and p[pi] == "%":
        return _TRUE
    while ti < tlen and pi < plen:
        c = p[pi]
        if c == "\\":
            pi += 1
            if pi >= plen:
                raise _end_escape()
            if p[pi] != t[ti]:
                return _FALSE
        elif c == "%":
            pi += 1
            while pi < plen:
                if p[pi] == "%":
                    pi += 1
                elif p[pi] == "_":
                    if ti >= tlen:
                        return _ABORT
                    ti += 1
                    pi += 1
                else:
                    break
            if pi >= plen:
                return _TRUE
            if p[pi] == "\\":
                if plen - pi < 2:
                    raise _end_escape()
                first = p[pi + 1]
            else:
                first = p[pi]
            while ti < tlen:
                if t[ti] == first:
                    matched = _match_text(t, ti, p, pi)
                    if matched != _FALSE:
                        return matched
                ti += 1
            return _ABORT
        elif c != "_" and c != t[ti]:
            return _FALSE
        ti += 1
        pi += 1
    if ti < tlen:
        return _FALSE
    while pi < plen and p[pi] == "%":
        pi += 1
    return _TRUE if pi >= plen else _ABORT


def like(s: str | bytes, pattern: str | bytes, icase: bool) -> bool:
    if isinstance(s, bytes):
        s, pattern = s.decode("latin-1"), pattern.decode("latin-1")  # type: ignore[union-attr]
    assert isinstance(pattern, str)
    if icase:
        s, pattern = ascii_lower(s), ascii_lower(pattern)
    return _match_text(s, 0, pattern, 0) == _TRUE


_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(s: str) -> str:
    """lower() in the C collation: only ASCII letters change."""
    return s.translate(_LOWER)


def _check_escape(esc: str) -> None:
    if len(esc) > 1:
        raise E.invalid("invalid escape string", _ESCAPE_SEQ,
                        hint="Escape string must be empty or one character.")


def like_escape(pattern: str, esc: str) -> str:
    """like_escape(): rewrite a pattern that uses escape character ``esc`` to use ``\\``."""
    _check_escape(esc)
    if esc == "":
        return pattern.replace("\\", "\\\\")
    if esc == "\\":
        return pattern
    out, after = [], False
    for c in pattern:
        if c == esc and not after:
            out.append("\\")
            after = True
        elif c == "\\":
            out.append("\\" if after else "\\\\")
            after = False
        else:
            out.append(c)
            after = False
    return "".join(out)


def similar_to_escape(pattern: str, esc: str | None) -> str:
    """similar_escape(): a SIMILAR TO pattern as an anchored POSIX regular expression."""
    if esc is not None:
        _check_escape(esc)
    e = esc or None
    out = ["^(?:"]
    after = in_class = False
    nquotes = 0
    for c in pattern:
        if after:
            if c == '"' and not in_class:
                if nquotes > 1:
                    raise E.invalid("SQL regular expression may not contain more than two "
                                    "escape-double-quote separators", "2200B")
                out.append("){1,1}?(" if nquotes == 0 else "){1,1}(?:")
                nquotes += 1
            else:
                out.append("\\" + c)
            after = False
        elif e is not None and c == e:
            after = True
        elif in_class:
            out.append("\\" + c if c == "\\" else c)
            in_class = c != "]"
        elif c == "[":
            out.append(c)
            in_class = True
        elif c == "%":
            out.append(".*")
        elif c == "_":
            out.append(".")
        elif c == "(":
            out.append("(?:")
        elif c in "\\.^$":
            out.append("\\" + c)
        else:
            out.append(c)
    out.append(")$")
    return "".join(out)


def translate_are(pattern: str) -> str:
    """PostgreSQL ARE syntax → Python ``re`` syntax (the common constructs)."""
    out, i, n = [], 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if nxt == "c" and i + 2 < n:  # \cX: the control character of X
                out.append(re.escape(chr(ord(pattern[i + 2]) & 0x1F)))
                i += 3
                continue
            out.append(_ESCAPES.get(nxt, c + nxt))
            i += 2
        elif c == "[":
            end, text = _bracket(pattern, i)
            out.append(text)
            i = end
        elif c == "$":
            out.append(r"\Z")
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _bracket(pattern: str, start: int) -> tuple[int, str]:
    """Translate one bracket expression starting at ``start``: (index after it, text)."""
    out, i, n = ["["], start + 1, len(pattern)
    if i < n and pattern[i] == "^":
        out.append("^")
        i += 1
    if i < n and pattern[i] == "]":
        out.append(r"\]")
        i += 1
    while i < n and pattern[i] != "]":
        if pattern.startswith("[:", i):
            close = pattern.find(":]", i + 2)
            name = pattern[i + 2:close] if close > 0 else ""
            if name in _CLASSES:
                out.append(_CLASSES[name])
                i = close + 2
                continue
        if pattern[i] == "[":
            out.append(r"\[")
        elif pattern[i] == "\\" and i + 1 < n:
            out.append(pattern[i:i + 2])
            i += 1
        else:
            out.append(pattern[i])
        i += 1
    out.append("]")
    return i + 1, "".join(out)


_FLAGS = {"i": re.IGNORECASE, "c": 0, "n": re.MULTILINE, "s": 0, "x": re.VERBOSE, "g": 0,
          "p": 0, "w": 0, "q": 0, "t": 0, "e": 0, "b": 0}


@lru_cache(maxsize=256)
def compile_are(pattern: str, flags: str) -> re.Pattern[str]:
    bits = re.DOTALL
    for f in flags:
        if f not in _FLAGS:
            raise E.invalid(f'invalid regular expression option: "{f}"')
        bits |= _FLAGS[f]
    if "n" in flags:
        bits &= ~re.DOTALL
    text = re.escape(pattern) if "q" in flags else translate_are(pattern)
    try:
        return re.compile(text, bits)
    except re.error as exc:
        raise E.invalid(f"invalid regular expression: {_message(exc.msg)}", "2201B") from None


_RE_MESSAGES = (("missing )", "parentheses () not balanced"),
                ("unbalanced parenthesis", "parentheses () not balanced"),
                ("unterminated character set", "brackets [] not balanced"),
                ("nothing to repeat", "quantifier operand invalid"),
                ("multiple repeat", "quantifier operand invalid"),
                ("bad escape", "invalid escape \\ sequence"),
                ("bad character range", "invalid character range"),
                ("invalid group reference", "invalid backreference number"))


def _message(python_message: str) -> str:
    """PostgreSQL's wording for the common regex syntax errors."""
    for start, message in _RE_MESSAGES:
        if python_message.startswith(start):
            return message
    return python_message


def search(pattern: str, flags: str, s: str) -> re.Match[str] | None:
    return compile_are(pattern, flags).search(s)


def replace(s: str, pattern: str, replacement: str, flags: str) -> str:
    """regexp_replace(): ``\\1``..``\\9`` and ``\\&`` in the replacement, ``g`` for all."""
    rx = compile_are(pattern, flags)

    def expand(m: re.Match[str]) -> str:
        out, i = [], 0
        while i < len(replacement):
            c = replacement[i]
            if c == "\\" and i + 1 < len(replacement):
                nxt = replacement[i + 1]
                if nxt.isdigit() and nxt != "0":
                    k = int(nxt)
                    out.append((m.group(k) or "") if k <= (rx.groups or 0) else "")
                elif nxt == "&":
                    out.append(m.group(0))
                else:
                    out.append(nxt if nxt == "\\" else c + nxt)
                i += 2
                continue
            out.append(c)
            i += 1
        return "".join(out)
    return rx.sub(expand, s, count=0 if "g" in flags else 1)


def match_groups(s: str, pattern: str, flags: str) -> list[str | None] | None:
    """regexp_match(): the captured groups (or the whole match), NULL when none."""
    if "g" in flags:
        raise E.invalid('regexp_match() does not support the "global" option',
                        hint="Use the regexp_matches function instead.")
    m = search(pattern, flags, s)
    if m is None:
        return None
    return list(m.groups()) if m.re.groups else [m.group(0)]
