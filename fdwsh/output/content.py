"""The table a printer draws: psql's printTableContent, with the cells already as display text.

Contract: :class:`TableContent` holds headers, alignments, rows (NULLs already replaced by
``\\pset null``, numbers already localised when ``numericlocale`` is on), title and footers.  The
aligned and expanded printers need every row up front to size their columns; the streaming
printers (unaligned, csv) never build one of these.  With ``FETCH_COUNT`` one table is printed as
several contents, one per batch of rows (psql's ``start_table`` / ``stop_table`` /
``prior_records``): only the first prints title and headers, only the last the footers.
"""

from __future__ import annotations

import locale
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from fdwsh.settings import PrintOptions


@dataclass(slots=True)
class TableContent:
    """Everything one printTable call sees."""

    headers: list[str]
    aligns: list[str]  # 'l' or 'r' per column
    rows: list[list[str]]
    opts: PrintOptions
    title: str | None = None
    #: Footers the caller supplied (psql's cont->footers); None when there are none.
    footers: list[str] | None = None
    default_footer: bool = True
    #: psql's printTableOpt start_table: this part opens the table (title, headers).
    start_table: bool = True
    #: psql's stop_table: this part closes the table (bottom rule, footers, blank line).
    stop_table: bool = True
    #: Rows printed by the earlier parts: record numbers and "(N rows)" count on from here.
    prior_records: int = 0
    nrows: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.nrows = len(self.rows)

    def footers_with_default(self) -> list[str] | None:
        """The explicit footers, else psql's "(N rows)" when the default footer is on."""
        return footers_with_default(self.footers, self.default_footer,
                                    self.prior_records + self.nrows)


def footers_with_default(footers: list[str] | None, default_footer: bool,
                         nrows: int) -> list[str] | None:
    """psql's footers_with_default(): explicit footers win; vertical formats never call this."""
    if footers is None and default_footer:
        return [f"({nrows} row)" if nrows == 1 else f"({nrows} rows)"]
    return footers


def display_rows(rows: Iterable[Sequence[str | None]], aligns: Sequence[str],
                 opts: PrintOptions) -> Iterator[list[str]]:
    """Rows as psql's printQuery adds them as cells: NULL → ``opts.null``, numbers localised."""
    null = opts.null
    localise = opts.numericlocale and "r" in aligns
    for row in rows:
        cells = [null if value is None else value for value in row]
        if localise:
            cells = [format_numeric_locale(v) if a == "r" and row[i] is not None else v
                     for i, (v, a) in enumerate(zip(cells, aligns))]
        yield cells


def _locale_numbers() -> tuple[str, str, int]:
    """psql's setDecimalLocale(): decimal point, thousands separator, group size."""
    conv = locale.localeconv()
    point = str(conv.get("decimal_point") or ".")
    grouping = conv.get("grouping") or []
    group = grouping[0] if grouping and 0 < int(grouping[0]) <= 6 else 3
    sep = str(conv.get("thousands_sep") or ("," if point != "," else "."))
    return point, sep, int(group)


def format_numeric_locale(value: str) -> str:
    """psql's format_numeric_locale: thousands separators for ``\\pset numericlocale on``."""
    if not value or any(ch not in "0123456789+-.eE" for ch in value):
        return value
    point, sep, group = _locale_numbers()
    sign = value[0] if value[0] in "+-" else ""
    body = value[len(sign):]
    digits = len(body) - len(body.lstrip("0123456789"))
    int_part, rest = body[:digits], body[digits:]
    lead = digits % group or group
    chunks = [int_part[:lead]] + [int_part[i:i + group] for i in range(lead, digits, group)]
    grouped = sep.join(chunks) if digits else ""
    if rest.startswith("."):
        rest = point + rest[1:]
    return sign + grouped + rest
