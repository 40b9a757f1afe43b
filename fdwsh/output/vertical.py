"""psql's expanded (``\\x``) aligned printer (print_aligned_vertical in fe_utils/print.c).

Contract: :func:`print_aligned_vertical` writes a :class:`TableContent` as psql 15 does with
``\\x on`` in aligned or wrapped format: one ``-[ RECORD n ]-+----`` header per row (``* Record n``
for border 0), ``column | value`` lines with newline/wrap markers, explicit footers only (never
"(N rows)", except that an empty result prints the default footer), and a trailing blank line.
In ``FETCH_COUNT`` batches, record numbers go on from the earlier batches and only the first
batch prints the title, only the last the footers.
This is psql 15's code: PostgreSQL 16 widened the data column to the record line in aligned
mode and added ``\\pset xheader_width``; neither is done here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from fdwsh.output.content import TableContent
from fdwsh.output.linestyle import (OLD_ASCII, RULE_BOTTOM, RULE_DATA, RULE_MIDDLE, RULE_TOP,
                                    TextFormat, line_style)
from fdwsh.output.textwidth import strlen_max_width, wcsformat, wcssize


def record_line(fmt: TextFormat, border: int, record: int, hwidth: int, dwidth: int,
                pos: int) -> str:
    """psql's print_aligned_vertical_line: ``-[ RECORD 1 ]-+------`` (record 0: a plain rule)."""
    lf = fmt.lrule[pos]
    parts: list[str] = []
    if border == 2:
        parts.append(lf.leftvrule + lf.hrule)
    elif border == 1:
        parts.append(lf.hrule)
    reclen = 0
    if record:
        label = f"* Record {record}" if border == 0 else f"[ RECORD {record} ]"
        parts.append(label)
        reclen = len(label)
    if border != 2:
        reclen += 1
    fill = lf.hrule if border > 0 else " "
    parts.append(fill * max(hwidth - reclen, 0))
    reclen -= hwidth
    marks = (lf.hrule, lf.midvrule, lf.hrule) if border > 0 else (" ",)
    for mark in marks:
        if reclen <= 0:
            parts.append(mark)
        reclen -= 1
    reclen = max(reclen, 0)
    parts.append(fill * max(dwidth - reclen, 0))
    if border == 2:
        parts.append(lf.hrule + lf.rightvrule)
    parts.append("\n")
    return "".join(parts)


@dataclass(slots=True)
class _Geometry:
    """Header column width, data column width and whether either holds several lines."""

    hwidth: int = 0
    dwidth: int = 0
    hmultiline: bool = False
    dmultiline: bool = False


def _measure(cont: TableContent) -> _Geometry:
    geo = _Geometry()
    for header in cont.headers:
        width, height = wcssize(header)
        geo.hwidth = max(geo.hwidth, width)
        geo.hmultiline = geo.hmultiline or height > 1
    for row in cont.rows:
        for cell in row:
            width, height = wcssize(cell)
            geo.dwidth = max(geo.dwidth, width)
            geo.dmultiline = geo.dmultiline or height > 1
    return geo


def _fit_data_width(cont: TableContent, geo: _Geometry, border: int, fmt: TextFormat,
                    output_columns: int) -> None:
    """Wrapped format only (psql 15): fit the data column to the screen and the record lines.

    In aligned format psql 15 keeps the data column at its native width.
    """
    if cont.opts.format != "wrapped":
        return
    old = fmt is OLD_ASCII
    if border == 0:
        swidth = 1 + (1 if geo.hmultiline else 0)
    elif border == 1:
        swidth = 3 + (1 if geo.hmultiline and old else 0)
    else:
        swidth = 7
    if geo.dmultiline and border < 2 and not old:
        swidth += 1
    rwidth = 0
    if not cont.opts.tuples_only:
        if cont.nrows > 0:
            rwidth = len(str(cont.nrows))
        rwidth += (9, 12, 15)[border]
    wrapped = output_columns > 0
    while True:
        width = max(geo.hwidth + swidth + geo.dwidth, rwidth)
        if wrapped:
            min_width = max(geo.hwidth + swidth + 3, rwidth)
            if output_columns >= width:
                newdwidth = width - geo.hwidth - swidth
            elif output_columns < min_width:
                newdwidth = min_width - geo.hwidth - swidth
            else:
                newdwidth = output_columns - geo.hwidth - swidth
        else:
            newdwidth = width - geo.hwidth - swidth
        if newdwidth < geo.dwidth and not geo.dmultiline and border < 2 and not old:
            geo.dmultiline = True
            swidth += 1
        else:
            break
    geo.dwidth = newdwidth


def print_aligned_vertical(cont: TableContent, out: TextIO, output_columns: int) -> None:
    """Print the table in expanded form; ``output_columns`` matters for wrapped format only."""
    opts = cont.opts
    border = min(opts.border, 2)
    empty = not cont.rows or not cont.headers  # psql: no cells at all
    if empty and cont.start_table and cont.stop_table:
        footers = cont.footers_with_default()
        if not opts.tuples_only and footers:
            out.write("".join(f + "\n" for f in footers))
        out.write("\n")
        return
    fmt = line_style(opts)
    geo = _measure(cont)
    if cont.start_table and not opts.tuples_only and cont.title is not None:
        out.write(cont.title + "\n")
    _fit_data_width(cont, geo, border, fmt, output_columns)
    hlines = [wcsformat(h) for h in cont.headers]
    lhwidth = geo.hwidth + (1 if border < 2 and geo.hmultiline and fmt is OLD_ASCII else 0)
    for r, row in enumerate(() if empty else cont.rows):
        pos = RULE_TOP if r == 0 else RULE_MIDDLE
        if not opts.tuples_only:
            record = cont.prior_records + r + 1
            out.write(record_line(fmt, border, record, lhwidth, geo.dwidth, pos))
        elif r != 0 or not cont.start_table or border == 2:
            out.write(record_line(fmt, border, 0, lhwidth, geo.dwidth, pos))
        for c, cell in enumerate(row):
            _print_field(hlines[c], wcsformat(cell), geo, border, fmt, out)
    if cont.stop_table:
        _print_end(cont, geo, border, fmt, out)


def _print_end(cont: TableContent, geo: _Geometry, border: int, fmt: TextFormat,
               out: TextIO) -> None:
    """The last part of a table: bottom rule (border 2), explicit footers, the blank line."""
    if border == 2:
        out.write(record_line(fmt, border, 0, geo.hwidth, geo.dwidth, RULE_BOTTOM))
    if not cont.opts.tuples_only and cont.footers:
        if border < 2:
            out.write("\n")
        out.write("".join(f + "\n" for f in cont.footers))
    out.write("\n")


def _print_field(hlines: list[tuple[str, int]], dlines: list[tuple[str, int]], geo: _Geometry,
                 border: int, fmt: TextFormat, out: TextIO) -> None:
    """One ``header | value`` pair, walking header and value lines in parallel."""
    old = fmt is OLD_ASCII
    dformat = fmt.lrule[RULE_DATA]
    hline = dline = offset = 0
    hcomplete = dcomplete = False
    chars_left = dlines[0][1]
    while not dcomplete or not hcomplete:
        parts = [dformat.leftvrule] if border == 2 else []
        if not hcomplete:
            if border == 2 or (geo.hmultiline and old):
                parts.append(fmt.header_nl_left if hline else " ")
            text = hlines[hline][0]
            _, filled = strlen_max_width(text, 0, geo.hwidth)
            parts.append(text)
            if geo.hwidth - filled > 0:
                parts.append(" " * (geo.hwidth - filled))
            mark_sep = border > 0 or (geo.hmultiline and not old)
            if hline + 1 < len(hlines):
                if mark_sep:
                    parts.append(fmt.header_nl_right)
                hline += 1
            else:
                if mark_sep:
                    parts.append(" ")
                hcomplete = True
        else:
            swidth = geo.hwidth + border
            if border < 2 and geo.hmultiline and old:
                swidth += 1
            if border == 0 and not old and geo.hmultiline:
                swidth += 1
            parts.append(" " * max(swidth, 1))
        if border > 0:
            if offset:
                parts.append(fmt.midvrule_wrap)
            elif dline == 0:
                parts.append(dformat.midvrule)
            else:
                parts.append(fmt.midvrule_nl)
        if dcomplete:
            if border < 2:
                parts.append("\n")
            else:
                parts.append(" " * geo.dwidth + "  " + dformat.rightvrule + "\n")
            out.write("".join(parts))
            continue
        parts.append(" " if offset == 0 else fmt.wrap_left)
        text = dlines[dline][0]
        count, filled = strlen_max_width(text, offset, geo.dwidth)
        parts.append(text[offset:offset + count])
        chars_left -= filled
        offset += count
        spaces = geo.dwidth - filled
        marked = border > 1 or (geo.dmultiline and not old)
        if chars_left:
            if marked:
                parts.append(" " * max(spaces, 0) + fmt.wrap_right)
        elif dline + 1 < len(dlines):
            if marked:
                parts.append(" " * max(spaces, 0) + fmt.nl_right)
            dline += 1
            offset = 0
            chars_left = dlines[dline][1]
        else:
            if border > 1:
                parts.append(" " * max(spaces, 0) + " ")
            dcomplete = True
        if border == 2:
            parts.append(dformat.rightvrule)
        out.write("".join(parts) + "\n")
