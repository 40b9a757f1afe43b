"""String operators and functions (varlena.c, oracle_compat.c, like.c, regexp.c of PG 15).

Positions count characters (the database encoding is UTF8), strings are Python ``str``.
``||`` with a non-text side uses that type's output function under the session settings;
LIKE/ILIKE/SIMILAR TO and the POSIX regex operators go through :mod:`fdwsh.exec.regex`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fdwsh.exec import pgerrors as E
from fdwsh.exec import regex, values
from fdwsh.exec.functions import factory, register
from fdwsh.quoting import quote_ident, quote_literal
from fdwsh.sql import oids as T

register("textcat")(lambda a, b: a + b)
register("textlen")(len)
register("bpcharlen")(lambda s: len(s.rstrip(" ")))
register("textoctetlen", "bpcharoctetlen")(lambda s: len(s.encode()))
register("byteaoctetlen")(len)
_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
register("upper")(lambda s: s.translate(_UPPER))  # the C collation changes ASCII letters only
register("lower")(regex.ascii_lower)
register("text_reverse")(lambda s: s[::-1])
register("text_starts_with")(lambda s, p: s.startswith(p))
register("ascii")(lambda s: ord(s[0]) if s else 0)
register("md5_text")(lambda s: hashlib.md5(s.encode()).hexdigest())
register("md5_bytea")(lambda b: hashlib.md5(b).hexdigest())


@factory("textanycat", "anytextcat")
def _any_cat(node: Any, ctx: Any) -> Any:
    left, right = node.args[0].type, node.args[1].type
    settings = ctx.settings

    def text_of(oid: int, v: Any) -> str:
        """``$2::text``: the cast to text (booleans spell true/false), else the output."""
        if oid in (T.TEXT, T.VARCHAR, T.UNKNOWN, T.NAME):
            return str(v)
        if oid == T.BOOL:
            return "true" if v else "false"
        if oid == T.BPCHAR:
            return v.rstrip(" ")
        return values.format_output(oid, v, settings)
    return lambda a, b: text_of(left, a) + text_of(right, b)


@register("chr")
def _chr(code: int) -> str:
    if code == 0:
        raise E.invalid("null character not permitted", "54000")
    if code < 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise E.invalid(f"requested character too large for encoding: {code}", "54000") \
            if code > 0x10FFFF else E.invalid(
                f"requested character not valid for encoding: {code}", "54000")
    return chr(code)


@register("initcap")
def _initcap(s: str) -> str:
    out, word = [], False
    for c in s:
        out.append(regex.ascii_lower(c) if word else c.translate(_UPPER))
        word = c in _ALNUM
    return "".join(out)


@register("repeat")
def _repeat(s: str, n: int) -> str:
    return s * max(n, 0)


@register("text_left")
def _left(s: str, n: int) -> str:
    return s[:n]  # a negative n drops that many characters from the end


@register("text_right")
def _right(s: str, n: int) -> str:
    return s[-n:] if n != 0 else ""  # a negative n drops characters from the start


def _substr(s: str, start: int, length: int | None = None) -> str:
    """text_substr(): SQL's 1-based start that may lie before the string."""
    if length is None:
        return s[max(start - 1, 0):]
    if length < 0:
        raise E.invalid("negative substring length not allowed", "22011")
    end = start + length
    return s[max(start - 1, 0):max(end - 1, 0)]


register("text_substr", "text_substr_no_len", "bytea_substr", "bytea_substr_no_len")(_substr)


@register("textpos", "byteapos")
def _position(s: str, sub: str) -> int:
    return s.find(sub) + 1


@register("replace_text")
def _replace(s: str, old: str, new: str) -> str:
    return s if old == "" else s.replace(old, new)


@register("split_part")
def _split_part(s: str, sep: str, n: int) -> str | None:
    if n == 0:
        raise E.invalid("field position must not be zero")
    if s == "":
        return ""
    parts = s.split(sep) if sep else [s]
    if n < 0:
        n = len(parts) + n + 1
    return parts[n - 1] if 0 < n <= len(parts) else ""


def _pad(s: str, n: int, fill: str, left: bool) -> str:
    if n <= 0:
        return ""
    if len(s) >= n or not fill:
        return s[:n]
    need = n - len(s)
    padding = (fill * (need // len(fill) + 1))[:need]
    return padding + s if left else s + padding


register("lpad")(lambda s, n, fill: _pad(s, n, fill, True))
register("rpad")(lambda s, n, fill: _pad(s, n, fill, False))
register("lpad(text,int4)")(lambda s, n: _pad(s, n, " ", True))
register("rpad(text,int4)")(lambda s, n: _pad(s, n, " ", False))
register("btrim")(lambda s, chars: s.strip(chars))
register("btrim1")(lambda s: s.strip(" "))
register("ltrim")(lambda s, chars: s.lstrip(chars))
register("ltrim1")(lambda s: s.lstrip(" "))
register("rtrim")(lambda s, chars: s.rstrip(chars))


@register("translate")
def _translate(s: str, frm: str, to: str) -> str:
    table: dict[int, int | None] = {}
    for i, c in enumerate(frm):
        if ord(c) not in table:
            table[ord(c)] = ord(to[i]) if i < len(to) else None
    return s.translate(table)


@register("textoverlay", "textoverlay_no_len")
def _overlay(s: str, new: str, start: int, count: int | None = None) -> str:
    if count is None:
        count = len(new)
    if start <= 0:
        raise E.invalid("negative substring length not allowed", "22011")
    return _substr(s, 1, start - 1) + new + _substr(s, start + count)


@factory("to_hex32")
def _to_hex32(node: Any, ctx: Any) -> Any:
    return lambda n: format(n & 0xFFFFFFFF, "x")


@factory("to_hex64")
def _to_hex64(node: Any, ctx: Any) -> Any:
    return lambda n: format(n & 0xFFFFFFFFFFFFFFFF, "x")


register("quote_ident")(quote_ident)
register("quote_literal")(quote_literal)


register("quote_nullable")(lambda s: "NULL" if s is None else quote_literal(s))


@factory("quote_literal(anyelement)", "quote_nullable(anyelement)")
def _quote_any(node: Any, ctx: Any) -> Any:
    oid, nullable = node.args[0].type, node.func.name == "quote_nullable"

    def quote(v: Any) -> str | None:
        if v is None:
            return "NULL" if nullable else None
        return quote_literal(values.format_output(oid, v, ctx.settings))
    return quote


# LIKE and regular expressions -------------------------------------------------------------

register("textlike", "namelike", "bytealike")(lambda s, p: regex.like(s, p, False))
register("textnlike", "namenlike", "byteanlike")(lambda s, p: not regex.like(s, p, False))
register("texticlike", "nameiclike")(lambda s, p: regex.like(s, p, True))
register("texticnlike", "nameicnlike")(lambda s, p: not regex.like(s, p, True))
register("textregexeq", "nameregexeq")(lambda s, p: regex.search(p, "", s) is not None)
register("textregexne", "nameregexne")(lambda s, p: regex.search(p, "", s) is None)
register("texticregexeq", "nameicregexeq")(lambda s, p: regex.search(p, "i", s) is not None)
register("texticregexne", "nameicregexne")(lambda s, p: regex.search(p, "i", s) is None)
register("like_escape")(regex.like_escape)
register("similar_to_escape_1")(lambda p: regex.similar_to_escape(p, "\\"))
register("similar_to_escape_2", "similar_escape")(regex.similar_to_escape)
register("textregexreplace_noopt")(lambda s, p, r: regex.replace(s, p, r, ""))
register("textregexreplace")(regex.replace)
register("regexp_match_no_flags")(lambda s, p: regex.match_groups(s, p, ""))
register("regexp_match")(regex.match_groups)
register("regexp_like_no_flags")(lambda s, p: regex.search(p, "", s) is not None)
register("regexp_like")(lambda s, p, f: regex.search(p, f, s) is not None)
register("byteacat")(lambda a, b: a + b)
register("bit_length(text)")(lambda s: len(s.encode()) * 8)
register("bit_length(bytea)")(lambda b: len(b) * 8)
register("byteatrim")(lambda b, chars: b.strip(chars))
register("bytealtrim")(lambda b, chars: b.lstrip(chars))
register("byteartrim")(lambda b, chars: b.rstrip(chars))


@register("textregexsubstr")
def _regex_substring(s: str, pattern: str) -> str | None:
    """substring(text from pattern): the first parenthesized group's match, else the match."""
    m = regex.search(pattern, "", s)
    if m is None:
        return None
    return m.group(1) if m.re.groups else m.group(0)


@register("substring(text,text,text)")
def _similar_substring(s: str, pattern: str, esc: str) -> str | None:
    """substring(text similar pattern escape e): the part between the escape-double-quotes."""
    m = regex.search(regex.similar_to_escape(pattern, esc), "", s)
    if m is None:
        return None
    return m.group(1) if m.re.groups else m.group(0)
