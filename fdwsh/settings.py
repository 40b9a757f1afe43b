"""Session settings: psql's ``pset`` print options and its variables (settings.h, variables.c)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(slots=True)
class PrintOptions:
    """psql's printQueryOpt/printTableOpt: everything ``\\pset`` can change."""

    format: str = "aligned"  # aligned | unaligned | csv | wrapped (printed as aligned)
    border: int = 1
    expanded: str = "off"  # off | on | auto
    tuples_only: bool = False
    footer: bool = True
    null: str = ""
    fieldsep: str = "|"
    recordsep: str = "\n"
    csv_fieldsep: str = ","
    title: str | None = None
    pager: int = 1  # 0 off, 1 on, 2 always
    pager_min_lines: int = 0
    tableattr: str | None = None  # kept for \pset; only psql's html/latex formats use it
    columns: int = 0
    numericlocale: bool = False
    linestyle: str = "ascii"  # ascii | old-ascii | unicode
    unicode_border_linestyle: str = "single"  # single | double
    unicode_column_linestyle: str = "single"
    unicode_header_linestyle: str = "single"


class Variables:
    """psql variables (``\\set``), with the special ones kept in sync with the options they steer.

    Names are case-sensitive.  Booleans accept psql's spellings (on/off/true/false/yes/no/1/0).
    """

    def __init__(self, initial: dict[str, str] | None = None) -> None:
        self._values: dict[str, str] = {}
        for name, value in (initial or {}).items():
            self._values[name] = value

    def get(self, name: str) -> str | None:
        return self._values.get(name)

    def set(self, name: str, value: str) -> None:
        self._values[name] = value

    def unset(self, name: str) -> None:
        self._values.pop(name, None)

    def is_on(self, name: str) -> bool:
        return parse_bool(self._values.get(name)) is True

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(sorted(self._values.items()))


def parse_bool(value: str | None) -> bool | None:
    """psql's ParseVariableBool: unique prefixes of true/false/yes/no, on/off, 1/0."""
    if value is None:
        return None
    v = value.strip().lower()
    if not v:
        return None
    if "true".startswith(v) or "yes".startswith(v) or v == "1" or v == "on":
        return True
    if "false".startswith(v) or "no".startswith(v) or v == "0" or (len(v) >= 2 and "off".startswith(v)):
        return False
    return None


@dataclass(slots=True)
class Settings:
    """Everything the command line decides before the first statement runs."""

    catalog_path: str = ""
    user: str = ""
    echo_queries: bool = False
    echo_all: bool = False
    quiet: bool = False
    single_transaction: bool = False
    no_rc: bool = False
    output_path: str | None = None
    print: PrintOptions = field(default_factory=PrintOptions)
    variables: dict[str, str] = field(default_factory=dict)
