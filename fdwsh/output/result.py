"""Typed results that flow from statement handlers and meta-commands to the formatter.

A handler never prints: it returns a :class:`Result` (rows, or just a command tag) and the
formatter in ``output/print.py`` renders it with the session's :class:`PrintOptions`.
Values are already text, as psql receives them from the server (``None`` is SQL NULL).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

#: Types whose values psql right-aligns (fe_utils/print.c column_type_alignment()).
NUMERIC_TYPES = frozenset(
    {"smallint", "integer", "bigint", "real", "double precision", "numeric", "oid", "xid",
     "xid8", "cid", "money", "int2", "int4", "int8", "float4", "float8"}
)


@dataclass(frozen=True, slots=True)
class Column:
    """A result column: its header and the PostgreSQL type name of its values."""

    name: str
    type_name: str = "text"

    @property
    def right_aligned(self) -> bool:
        base = self.type_name.split("(", 1)[0].strip()
        return base in NUMERIC_TYPES


Row = Sequence[str | None]


@dataclass(slots=True)
class Result:
    """What one statement or meta-command produced.

    ``columns is None`` means the statement returned no tuples: only ``status`` (the command tag,
    e.g. ``CREATE SERVER``) is printed.  ``title`` and ``footers`` are psql's table title (used by
    ``\\d`` listings) and footer lines (``Server: s``); the ``(N rows)`` footer is added by the
    formatter.
    """

    columns: Sequence[Column] | None = None
    rows: Iterable[Row] = ()
    status: str | None = None
    title: str | None = None
    footers: list[str] = field(default_factory=list)
    #: Set by \d-style listings: psql prints their footer lines but never "(N rows)".
    default_footer: bool = True

    @classmethod
    def command(cls, tag: str) -> Result:
        """A result that only carries a command tag."""
        return cls(status=tag)
