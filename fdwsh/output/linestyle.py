"""psql's line styles (``\\pset linestyle ascii|old-ascii|unicode``), from fe_utils/print.c.

Contract: :func:`line_style` turns the print options into a :class:`TextFormat`, the table of
rule and marker strings the aligned and expanded printers draw with.  Nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Indexes into ``TextFormat.lrule`` (psql's printTextRule).
RULE_TOP, RULE_MIDDLE, RULE_BOTTOM, RULE_DATA = range(4)


@dataclass(frozen=True, slots=True)
class LineFormat:
    """One horizontal rule: the fill character and the three kinds of crossings."""

    hrule: str
    leftvrule: str
    midvrule: str
    rightvrule: str


@dataclass(frozen=True, slots=True)
class TextFormat:
    """psql's printTextFormat: how rules, newline and wrap markers look."""

    name: str
    lrule: tuple[LineFormat, LineFormat, LineFormat, LineFormat]
    midvrule_nl: str
    midvrule_wrap: str
    midvrule_blank: str
    header_nl_left: str
    header_nl_right: str
    nl_left: str
    nl_right: str
    wrap_left: str
    wrap_right: str
    wrap_right_border: bool


_ASCII_RULE = LineFormat("-", "+", "+", "+")
_ASCII_DATA = LineFormat("", "|", "|", "|")

ASCII = TextFormat("ascii", (_ASCII_RULE, _ASCII_RULE, _ASCII_RULE, _ASCII_DATA),
                   "|", "|", "|", " ", "+", " ", "+", ".", ".", True)

OLD_ASCII = TextFormat("old-ascii", (_ASCII_RULE, _ASCII_RULE, _ASCII_RULE, _ASCII_DATA),
                       ":", ";", " ", "+", " ", " ", " ", " ", " ", False)

# Unicode box drawing, indexed [single, double] as in psql's unicode_style.
_ROW_H = ("\u2500", "\u2550")
_ROW_VR = (("\u251c", "\u255f"), ("\u255e", "\u2560"))
_ROW_VL = (("\u2524", "\u2562"), ("\u2561", "\u2563"))
_COL_V = ("\u2502", "\u2551")
_COL_VH = (("\u253c", "\u256a"), ("\u256b", "\u256c"))
_COL_UH = (("\u2534", "\u2567"), ("\u2568", "\u2569"))
_COL_DH = (("\u252c", "\u2564"), ("\u2565", "\u2566"))
# up_and_right, vertical, down_and_right, horizontal, down_and_left, left_and_right
_BORDER = (("\u2514", "\u2502", "\u250c", "\u2500", "\u2510", "\u2518"),
           ("\u255a", "\u2551", "\u2554", "\u2550", "\u2557", "\u255d"))
_NL_MARK = "\u21b5"
_WRAP_MARK = "\u2026"


def _style_index(value: str) -> int:
    return 1 if value == "double" else 0


def unicode_format(border: str = "single", column: str = "single",
                   header: str = "single") -> TextFormat:
    """psql's refresh_utf8format for the three ``\\pset unicode_*_linestyle`` settings."""
    b, c, h = _style_index(border), _style_index(column), _style_index(header)
    up_right, vertical, down_right, horizontal, down_left, up_left = _BORDER[b]
    top = LineFormat(horizontal, down_right, _COL_DH[c][b], down_left)
    middle = LineFormat(_ROW_H[h], _ROW_VR[h][b], _COL_VH[c][h], _ROW_VL[h][b])
    bottom = LineFormat(horizontal, up_right, _COL_UH[c][b], up_left)
    data = LineFormat("", vertical, _COL_V[c], vertical)
    return TextFormat("unicode", (top, middle, bottom, data),
                      _COL_V[c], _COL_V[c], _COL_V[c], " ", _NL_MARK, " ", _NL_MARK,
                      _WRAP_MARK, _WRAP_MARK, True)


def line_style(opts: object) -> TextFormat:
    """The TextFormat selected by ``opts.linestyle`` (ascii when the option is absent)."""
    name = getattr(opts, "linestyle", "ascii")
    if name == "old-ascii":
        return OLD_ASCII
    if name == "unicode":
        return unicode_format(getattr(opts, "unicode_border_linestyle", "single"),
                              getattr(opts, "unicode_column_linestyle", "single"),
                              getattr(opts, "unicode_header_linestyle", "single"))
    return ASCII
