"""Display widths of text exactly as psql measures them (fe_utils/mbprint.c, common/wchar.c).

Contract: every function here takes a Python ``str`` (the UTF-8 text psql would see) and answers
in *screen columns* with PostgreSQL 15's rules, not the terminal library's:

* control characters below U+0020 (except ``\\n``, ``\\r``, ``\\t``) print as ``\\xNN`` (4 columns),
  C1 controls U+0080..U+009F print as ``\\uNNNN`` (6 columns), ``\\r`` prints as ``\\r``;
* tabs expand to the next multiple of 8 columns, ``\\n`` starts a new display line;
* combining marks (Unicode categories Mn, Me) are 0 columns wide, East Asian Wide/Fullwidth
  characters 2, everything else 1.  PostgreSQL 15 does *not* treat format characters (Cf, e.g.
  U+200B) as zero-width, so neither do we; that is why ``wcwidth`` is not used here.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_TAB_STOP = 8


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """psql's PQdsplen for UTF-8 (ucs_wcwidth): -1 for control characters, else 0, 1 or 2."""
    code = ord(ch)
    if code == 0:
        return 0
    if code < 0x20 or 0x7F <= code < 0xA0:
        return -1
    if code < 0x300:
        return 1
    if unicodedata.category(ch) in ("Mn", "Me"):
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    return 1


def _is_plain(text: str) -> bool:
    """True when every character is printable ASCII: width == len, one line (the fast path)."""
    return text.isascii() and text.isprintable()


def wcssize(text: str) -> tuple[int, int]:
    """pg_wcssize: (width of the widest display line, number of display lines)."""
    if _is_plain(text):
        return len(text), 1
    width = 0
    height = 1
    for line in text.split("\n"):
        width = max(width, _line_width(line))
    height += text.count("\n")
    return width, height


def _line_width(line: str) -> int:
    """Screen columns one newline-free line occupies once escaped (see :func:`_escape`)."""
    col = 0
    for ch in line:
        if ch == "\t":
            col += _TAB_STOP - col % _TAB_STOP
        elif ch == "\r":
            col += 2
        else:
            w = char_width(ch)
            if w < 0:
                col += 4 if ord(ch) < 0x80 else 6
            else:
                col += w
    return col


def _escape(line: str) -> tuple[str, int]:
    """pg_wcsformat for one newline-free line: the printable text and its width."""
    if _is_plain(line):
        return line, len(line)
    out: list[str] = []
    col = 0
    for ch in line:
        if ch == "\t":
            pad = _TAB_STOP - col % _TAB_STOP
            out.append(" " * pad)
            col += pad
        elif ch == "\r":
            out.append("\\r")
            col += 2
        else:
            w = char_width(ch)
            if w < 0:
                code = ord(ch)
                piece = f"\\x{code:02X}" if code < 0x80 else f"\\u{code:04X}"
                out.append(piece)
                col += len(piece)
            else:
                out.append(ch)
                col += w
    return "".join(out), col


def wcsformat(text: str) -> list[tuple[str, int]]:
    """pg_wcsformat: the display lines of ``text`` with control characters escaped.

    Each element is ``(printable_text, width)``; a value without newlines gives one element.
    """
    if _is_plain(text):
        return [(text, len(text))]
    return [_escape(line) for line in text.split("\n")]


def strlen_max_width(text: str, start: int, target: int) -> tuple[int, int]:
    """psql's strlen_max_width on ``text[start:]``: how many characters fit in ``target`` columns.

    Returns ``(number_of_characters, columns_filled)``.  The first character is always taken,
    even when it alone is wider than ``target`` (psql makes "the best of it").
    """
    rest = len(text) - start
    if _is_plain(text):
        count = min(rest, max(target, 1))
        return count, count
    count = 0
    width = 0
    for ch in text[start:] if start else text:
        w = char_width(ch)
        if target < width + w and width != 0:
            break
        width += w
        count += 1
    return count, width
