"""psql's aligned and wrapped table printer (print_aligned_text in fe_utils/print.c).

Contract: :func:`print_aligned_text` writes a :class:`TableContent` byte for byte as psql 15
does for ``\\pset format aligned`` (and ``wrapped``, which only differs when a target width is
known): centred headers, right-aligned numbers, ``+`` newline and ``.`` wrap markers, borders
0/1/2, title, footers and the trailing blank line.  In ``\\x auto`` mode it hands over to the
expanded printer when the table would be wider than ``output_columns``.  A table printed in
``FETCH_COUNT`` batches is sized batch by batch (see ``TableContent.start_table``).
"""

from __future__ import annotations

from typing import TextIO

from fdwsh.output.content import TableContent
from fdwsh.output.linestyle import (RULE_BOTTOM, RULE_DATA, RULE_MIDDLE, RULE_TOP, TextFormat,
                                    line_style)
from fdwsh.output.textwidth import strlen_max_width, wcsformat, wcssize
from fdwsh.output.vertical import print_aligned_vertical

Lines = list[tuple[str, int]]
WRAP_NONE, WRAP_WRAP, WRAP_NEWLINE = range(3)


def horizontal_line(widths: list[int], border: int, fmt: TextFormat, pos: int) -> str:
    """psql's _print_horizontal_line: a rule such as ``----+-----``, newline included."""
    lf = fmt.lrule[pos]
    parts: list[str] = []
    if border == 1:
        parts.append(lf.hrule)
    elif border == 2:
        parts.append(lf.leftvrule + lf.hrule)
    for i, width in enumerate(widths):
        parts.append(lf.hrule * width)
        if i < len(widths) - 1:
            parts.append(" " if border == 0 else lf.hrule + lf.midvrule + lf.hrule)
    if border == 2:
        parts.append(lf.hrule + lf.rightvrule)
    elif border == 1:
        parts.append(lf.hrule)
    parts.append("\n")
    return "".join(parts)


class _Widths:
    """Column measurements: header widths, maximum widths, averages, and the wrap widths."""

    def __init__(self, cont: TableContent, border: int) -> None:
        ncols = len(cont.headers)
        self.header = [wcssize(h)[0] for h in cont.headers]
        self.max = list(self.header)
        totals = [0] * ncols
        for row in cont.rows:
            for j, cell in enumerate(row):
                width = wcssize(cell)[0]
                if width > self.max[j]:
                    self.max[j] = width
                totals[j] += width
        nrows = cont.nrows
        self.average = [t // nrows for t in totals] if nrows and ncols else totals
        if border == 0:
            frame = ncols
        elif border == 1:
            frame = ncols * 3 - (1 if ncols > 0 else 0)
        else:
            frame = ncols * 3 + 1
        self.total_header = frame + sum(self.header)
        self.total = frame + sum(self.max)
        self.wrap = list(self.max)

    def shrink_to(self, output_columns: int) -> None:
        """Wrapped format: narrow the columns with the highest max/average ratio first."""
        if output_columns <= 0 or output_columns < self.total_header:
            return
        while self.total > output_columns:
            max_ratio = 0.0
            worst = -1
            for i, avg in enumerate(self.average):
                if avg and self.wrap[i] > self.header[i]:
                    ratio = self.wrap[i] / avg + self.max[i] * 0.01
                    if ratio > max_ratio:
                        max_ratio, worst = ratio, i
            if worst == -1:
                break
            self.wrap[worst] -= 1
            self.total -= 1

    def too_wide(self, output_columns: int) -> bool:
        return output_columns > 0 and (output_columns < self.total_header
                                       or output_columns < self.total)


def print_aligned_text(cont: TableContent, out: TextIO, output_columns: int) -> None:
    """Print the table; ``output_columns`` is psql's target width (0 when unknown)."""
    opts = cont.opts
    border = min(opts.border, 2)
    widths = _Widths(cont, border)
    if opts.format == "wrapped":
        widths.shrink_to(output_columns)
    if opts.expanded == "auto" and len(cont.headers) > 1 and widths.too_wide(output_columns):
        print_aligned_vertical(cont, out, output_columns)
        return
    fmt = line_style(opts)
    if cont.start_table:
        if cont.title is not None and not opts.tuples_only:
            _print_title(cont.title, widths.total, out)
        if not opts.tuples_only:
            _print_headers(cont, widths.wrap, border, fmt, out)
    wrap = [WRAP_NONE] * len(cont.headers)
    for row in cont.rows if cont.headers else ():
        _print_row(row, cont.aligns, widths.wrap, border, fmt, wrap, out)
    if cont.stop_table:
        _print_end(cont, widths.wrap, border, fmt, out)


def _print_end(cont: TableContent, wraps: list[int], border: int, fmt: TextFormat,
               out: TextIO) -> None:
    """The last part of a table: bottom rule (border 2), footers, the blank line."""
    footers = cont.footers_with_default()
    if border == 2:
        out.write(horizontal_line(wraps, border, fmt, RULE_BOTTOM))
    if footers and not cont.opts.tuples_only:
        for footer in footers:
            out.write(footer + "\n")
    out.write("\n")


def _print_title(title: str, width_total: int, out: TextIO) -> None:
    width = wcssize(title)[0]
    if width >= width_total:
        out.write(title + "\n")
    else:
        out.write(" " * ((width_total - width) // 2) + title + "\n")


def _print_headers(cont: TableContent, wraps: list[int], border: int, fmt: TextFormat,
                   out: TextIO) -> None:
    """Centred header lines (several when a header holds newlines), then the rule below."""
    dformat = fmt.lrule[RULE_DATA]
    ncols = len(cont.headers)
    if border == 2:
        out.write(horizontal_line(wraps, border, fmt, RULE_TOP))
    lines = [wcsformat(h) for h in cont.headers]
    done = [False] * ncols
    remaining = ncols
    curr = 0
    while remaining:
        parts = [dformat.leftvrule] if border == 2 else []
        for i in range(ncols):
            if border != 0 or (not fmt.wrap_right_border and i > 0):
                parts.append(fmt.header_nl_left if curr else " ")
            if not done[i]:
                text, width = lines[i][curr]
                pad = wraps[i] - width
                parts.append(" " * (pad // 2) + text + " " * ((pad + 1) // 2))
                if curr + 1 >= len(lines[i]):
                    remaining -= 1
                    done[i] = True
            else:
                parts.append(" " * wraps[i])
            if border != 0 or fmt.wrap_right_border:
                parts.append(fmt.header_nl_right if not done[i] else " ")
            if border != 0 and i < ncols - 1:
                parts.append(dformat.midvrule)
        curr += 1
        if border == 2:
            parts.append(dformat.rightvrule)
        out.write("".join(parts) + "\n")
    out.write(horizontal_line(wraps, border, fmt, RULE_MIDDLE))


def _print_row(row: list[str], aligns: list[str], wraps: list[int], border: int,
               fmt: TextFormat, wrap: list[int], out: TextIO) -> None:
    """One table row: as many display lines as its tallest (or most wrapped) cell needs.

    ``wrap`` carries each column's wrap state from one display line to the next, as psql's
    ``wrap[]`` array does (the column divider looks at the *next* column's previous state).
    """
    ncols = len(wraps)
    cells: list[Lines] = [wcsformat(cell) for cell in row]
    if all(len(lines) == 1 and lines[0][1] <= width for lines, width in zip(cells, wraps)):
        out.write(_simple_line(cells, aligns, wraps, border, fmt))
        return
    curr = [0] * ncols
    offset = [0] * ncols
    dformat = fmt.lrule[RULE_DATA]
    more_lines = True
    while more_lines:
        more_lines = False
        parts = [dformat.leftvrule] if border == 2 else []
        for j in range(ncols):
            last = j == ncols - 1
            finalspaces = border == 2 or not last
            if border != 0:
                parts.append(_left_mark(wrap[j], fmt))
            chars = wraps[j]
            lines = cells[j]
            if curr[j] >= len(lines):
                if finalspaces:
                    parts.append(" " * chars)
            else:
                text = lines[curr[j]][0]
                count, chars = strlen_max_width(text, offset[j], wraps[j])
                chars = min(chars, wraps[j])
                piece = text[offset[j]:offset[j] + count]
                if aligns[j] == "r":
                    parts.append(" " * (wraps[j] - chars))
                parts.append(piece)
                offset[j] += count
                if offset[j] < len(text):
                    more_lines = True
                else:
                    curr[j] += 1
                    if curr[j] < len(lines):
                        more_lines = True
                    offset[j] = 0
            wrap[j] = _next_wrap(curr[j] < len(lines), offset[j], curr[j])
            if aligns[j] != "r" and (finalspaces or wrap[j] != WRAP_NONE):
                parts.append(" " * (wraps[j] - chars))
            if wrap[j] == WRAP_WRAP:
                parts.append(fmt.wrap_right)
            elif wrap[j] == WRAP_NEWLINE:
                parts.append(fmt.nl_right)
            elif finalspaces:
                parts.append(" ")
            if border != 0 and not last:
                parts.append(_divider(wrap[j + 1], curr[j + 1] >= len(cells[j + 1]), fmt))
        if border == 2:
            parts.append(dformat.rightvrule)
        out.write("".join(parts) + "\n")


def _simple_line(cells: list[Lines], aligns: list[str], wraps: list[int], border: int,
                 fmt: TextFormat) -> str:
    """The one display line of a row whose cells neither hold newlines nor need wrapping.

    Same bytes as the general loop in :func:`_print_row` produces for such a row (every wrap
    state is "none" at the start of a row), only much faster.
    """
    dformat = fmt.lrule[RULE_DATA]
    last = len(cells) - 1
    parts = [dformat.leftvrule] if border == 2 else []
    lead = " " if border != 0 else ""
    between = " " + dformat.midvrule if border != 0 else " "
    for j, lines in enumerate(cells):
        text, width = lines[0]
        pad = " " * (wraps[j] - width)
        parts.append(lead)
        if aligns[j] == "r":
            parts.append(pad + text)
        elif j < last or border == 2:
            parts.append(text + pad)
        else:
            parts.append(text)
        if j < last:
            parts.append(between)
        elif border == 2:
            parts.append(" ")
    if border == 2:
        parts.append(dformat.rightvrule)
    parts.append("\n")
    return "".join(parts)


def _next_wrap(has_more: bool, offset: int, line_no: int) -> int:
    if not has_more:
        return WRAP_NONE
    if offset != 0:
        return WRAP_WRAP
    return WRAP_NEWLINE if line_no != 0 else WRAP_NONE


def _left_mark(state: int, fmt: TextFormat) -> str:
    if state == WRAP_WRAP:
        return fmt.wrap_left
    if state == WRAP_NEWLINE:
        return fmt.nl_left
    return " "


def _divider(next_state: int, next_exhausted: bool, fmt: TextFormat) -> str:
    if next_state == WRAP_WRAP:
        return fmt.midvrule_wrap
    if next_state == WRAP_NEWLINE:
        return fmt.midvrule_nl
    if next_exhausted:
        return fmt.midvrule_blank
    return fmt.lrule[RULE_DATA].midvrule
