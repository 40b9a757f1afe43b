r"""``\pset`` semantics on :class:`PrintOptions`: psql 15's do_pset, printPsetInfo and the listing.

Contract: :func:`do_pset` applies ``name [value]`` to the options (a missing value toggles or
shows, as in psql) and returns whether psql would now confirm the setting; it raises
:class:`PsetError` with psql's message when the name or value is refused, leaving the options as
they were.  :func:`pset_info` is the confirmation line (``Border style is 2.``) and
:func:`pset_listing` what ``\pset`` alone prints.  Nothing here writes anywhere.
"""

from __future__ import annotations

from collections.abc import Callable

from fdwsh.meta.varhooks import VariableError, enum_error, parse_variable_bool
from fdwsh.settings import PrintOptions

#: psql 15's formats, in its matching order; fdwsh prints the first four only.
PSQL_FORMATS = ("aligned", "asciidoc", "csv", "html", "latex", "troff-ms", "unaligned",
                "wrapped")
SUPPORTED_FORMATS = ("aligned", "csv", "unaligned", "wrapped")
LINESTYLES = ("ascii", "old-ascii", "unicode")

#: What ``\pset`` with no argument lists, in psql's order.
LISTED = ("border", "columns", "csv_fieldsep", "expanded", "fieldsep", "fieldsep_zero",
          "footer", "format", "linestyle", "null", "numericlocale", "pager", "pager_min_lines",
          "recordsep", "recordsep_zero", "tableattr", "title", "tuples_only",
          "unicode_border_linestyle", "unicode_column_linestyle", "unicode_header_linestyle")

#: The single-letter and old spellings psql also accepts.
ALIASES = {"x": "expanded", "vertical": "expanded", "t": "tuples_only", "C": "title",
           "T": "tableattr"}

ZERO = "\0"  # fieldsep_zero / recordsep_zero: the separator is a NUL byte


class PsetError(Exception):
    """psql refused the option or its value; ``str(exc)`` is psql's message."""


def c_atoi(text: str) -> int:
    """C's atoi: optional blanks and sign, then as many digits as there are (else 0)."""
    body = text.lstrip(" \t\n\r\f\v")
    sign = -1 if body[:1] == "-" else 1
    body = body[1:] if body[:1] in "+-" else body
    digits = ""
    for ch in body:
        if not ("0" <= ch <= "9"):
            break
        digits += ch
    value = sign * int(digits) if digits else 0
    return (value + 2**31) % 2**32 - 2**31  # wraps like a C int


def _prefix_match(value: str, name: str) -> bool:
    """pg_strncasecmp(name, value, strlen(value)) == 0: value abbreviates name."""
    return name.lower().startswith(value.lower())


def _bool(value: str, param: str) -> bool:
    try:
        return parse_variable_bool(value, param)
    except VariableError as exc:
        raise PsetError(str(exc)) from None


# -- setters: each returns whether psql would confirm (False: a boolean set silently) ---------


def _set_format(o: PrintOptions, value: str | None, param: str) -> bool:
    if value is None:
        return True
    matches = [name for name in PSQL_FORMATS if _prefix_match(value, name)]
    if len(matches) > 1:
        raise PsetError(f'\\pset: ambiguous abbreviation "{value}" matches both '
                        f'"{matches[0]}" and "{matches[1]}"')
    if not matches and _prefix_match(value, "latex-longtable"):
        matches = ["latex-longtable"]  # not in the table: "latex" would be ambiguous
    if not matches:
        raise PsetError("\\pset: allowed formats are aligned, asciidoc, csv, html, latex, "
                        "latex-longtable, troff-ms, unaligned, wrapped")
    if matches[0] not in SUPPORTED_FORMATS:
        raise PsetError(f"\\pset: output format {matches[0]} is not supported by fdwsh "
                        f"(use {', '.join(SUPPORTED_FORMATS)})")
    o.format = matches[0]
    return True


def _set_linestyle(o: PrintOptions, value: str | None, param: str) -> bool:
    if value is not None:
        style = next((s for s in LINESTYLES if _prefix_match(value, s)), None)
        if style is None:
            raise PsetError("\\pset: allowed line styles are ascii, old-ascii, unicode")
        o.linestyle = style
    return True


def _unicode_setter(attr: str, label: str) -> Callable[[PrintOptions, str | None, str], bool]:
    def setter(o: PrintOptions, value: str | None, param: str) -> bool:
        if value is not None:
            style = next((s for s in ("single", "double") if _prefix_match(value, s)), None)
            if style is None:
                raise PsetError(f"\\pset: allowed Unicode {label} line styles are single, double")
            setattr(o, attr, style)
        return True
    return setter


def _set_border(o: PrintOptions, value: str | None, param: str) -> bool:
    if value is not None:
        o.border = c_atoi(value) & 0xFFFF  # an unsigned short in psql
    return True


def _set_expanded(o: PrintOptions, value: str | None, param: str) -> bool:
    if value is None:
        o.expanded = "on" if o.expanded == "off" else "off"
    elif value.lower() == "auto":
        o.expanded = "auto"
    else:
        try:
            o.expanded = "on" if parse_variable_bool(value) else "off"
        except VariableError:
            raise PsetError(str(enum_error(param, value, "on, off, auto"))) from None
    return True


def _set_csv_fieldsep(o: PrintOptions, value: str | None, param: str) -> bool:
    if value is not None:
        if len(value.encode()) != 1:
            raise PsetError("\\pset: csv_fieldsep must be a single one-byte character")
        if value in ('"', "\n", "\r"):
            raise PsetError("\\pset: csv_fieldsep cannot be a double quote, a newline, "
                            "or a carriage return")
        o.csv_fieldsep = value
    return True


def _bool_setter(attr: str) -> Callable[[PrintOptions, str | None, str], bool]:
    """tuples_only, footer, numericlocale: toggle and confirm, or set silently."""
    def setter(o: PrintOptions, value: str | None, param: str) -> bool:
        if value is None:
            setattr(o, attr, not getattr(o, attr))
            return True
        setattr(o, attr, _bool(value, param))
        return False
    return setter


def _text_setter(attr: str, *, unset: bool = False
                 ) -> Callable[[PrintOptions, str | None, str], bool]:
    """null, fieldsep, recordsep keep their value when none is given; title and tableattr
    (``unset``) are cleared."""
    def setter(o: PrintOptions, value: str | None, param: str) -> bool:
        if value is not None or unset:
            setattr(o, attr, value)
        return True
    return setter


def _zero_setter(attr: str) -> Callable[[PrintOptions, str | None, str], bool]:
    def setter(o: PrintOptions, value: str | None, param: str) -> bool:
        setattr(o, attr, ZERO)  # psql ignores any value here
        return True
    return setter


def _set_pager(o: PrintOptions, value: str | None, param: str) -> bool:
    if value is None:
        o.pager = 0 if o.pager == 1 else 1
    elif value.lower() == "always":
        o.pager = 2
    else:
        try:
            o.pager = 1 if parse_variable_bool(value) else 0
        except VariableError:
            raise PsetError(str(enum_error(param, value, "on, off, always"))) from None
    return True


def _int_setter(attr: str) -> Callable[[PrintOptions, str | None, str], bool]:
    def setter(o: PrintOptions, value: str | None, param: str) -> bool:
        if value is not None:
            setattr(o, attr, c_atoi(value))
        return True
    return setter


SETTERS: dict[str, Callable[[PrintOptions, str | None, str], bool]] = {
    "format": _set_format,
    "linestyle": _set_linestyle,
    "unicode_border_linestyle": _unicode_setter("unicode_border_linestyle", "border"),
    "unicode_column_linestyle": _unicode_setter("unicode_column_linestyle", "column"),
    "unicode_header_linestyle": _unicode_setter("unicode_header_linestyle", "header"),
    "border": _set_border,
    "expanded": _set_expanded,
    "csv_fieldsep": _set_csv_fieldsep,
    "numericlocale": _bool_setter("numericlocale"),
    "null": _text_setter("null"),
    "fieldsep": _text_setter("fieldsep"),
    "fieldsep_zero": _zero_setter("fieldsep"),
    "recordsep": _text_setter("recordsep"),
    "recordsep_zero": _zero_setter("recordsep"),
    "tuples_only": _bool_setter("tuples_only"),
    "title": _text_setter("title", unset=True),
    "tableattr": _text_setter("tableattr", unset=True),
    "pager": _set_pager,
    "pager_min_lines": _int_setter("pager_min_lines"),
    "footer": _bool_setter("footer"),
    "columns": _int_setter("columns"),
}


def canonical(param: str) -> str:
    """The option ``param`` names (``x`` is ``expanded``); PsetError when there is none."""
    name = ALIASES.get(param, param)
    if name not in SETTERS:
        raise PsetError(f"\\pset: unknown option: {param}")
    return name


def do_pset(options: PrintOptions, param: str, value: str | None) -> bool:
    """Apply ``\\pset param value``; return whether to print :func:`pset_info` afterwards."""
    name = canonical(param)
    return SETTERS[name](options, value, param)


# -- reporting -------------------------------------------------------------------------------


def _sep_info(label: str, sep: str) -> str:
    if sep == ZERO:
        return f"{label} is zero byte."
    if sep == "\n" and label == "Record separator":
        return "Record separator is <newline>."
    return f'{label} is "{sep}".'


def _on_off(flag: bool) -> str:
    return "on" if flag else "off"


def pset_info(options: PrintOptions, param: str) -> str:
    """psql's printPsetInfo: the one-line description of the option's current value."""
    o, name = options, canonical(param)
    simple: dict[str, Callable[[], str]] = {
        "border": lambda: f"Border style is {o.border}.",
        "columns": lambda: (f"Target width is {o.columns}." if o.columns
                            else "Target width is unset."),
        "expanded": lambda: {"on": "Expanded display is on.",
                             "auto": "Expanded display is used automatically."
                             }.get(o.expanded, "Expanded display is off."),
        "csv_fieldsep": lambda: f'Field separator for CSV is "{o.csv_fieldsep}".',
        "fieldsep": lambda: _sep_info("Field separator", o.fieldsep),
        "fieldsep_zero": lambda: "Field separator is zero byte.",
        "footer": lambda: f"Default footer is {_on_off(o.footer)}.",
        "format": lambda: f"Output format is {o.format}.",
        "linestyle": lambda: f"Line style is {o.linestyle}.",
        "null": lambda: f'Null display is "{o.null}".',
        "numericlocale": lambda: f"Locale-adjusted numeric output is {_on_off(o.numericlocale)}.",
        "pager": lambda: ("Pager usage is off.", "Pager is used for long output.",
                          "Pager is always used.")[o.pager],
        "pager_min_lines": lambda: (f"Pager won't be used for less than {o.pager_min_lines} "
                                    + ("line." if o.pager_min_lines == 1 else "lines.")),
        "recordsep": lambda: _sep_info("Record separator", o.recordsep),
        "recordsep_zero": lambda: "Record separator is zero byte.",
        "tableattr": lambda: (f'Table attributes are "{o.tableattr}".' if o.tableattr is not None
                              else "Table attributes unset."),
        "title": lambda: f'Title is "{o.title}".' if o.title is not None else "Title is unset.",
        "tuples_only": lambda: f"Tuples only is {_on_off(o.tuples_only)}.",
    }
    if name in simple:
        return simple[name]()
    part = name.split("_")[1]  # unicode_<part>_linestyle
    return f'Unicode {part} line style is "{getattr(o, name)}".'


def _quoted(text: str) -> str:
    """psql's pset_quoted_string: single quotes, newline as \\n, quote as \\'."""
    return "'" + text.replace("\n", "\\n").replace("'", "\\'") + "'"


def pset_value(options: PrintOptions, name: str) -> str:
    """psql's pset_value_string: the value as ``\\pset`` lists it."""
    o = options
    values: dict[str, Callable[[], str]] = {
        "csv_fieldsep": lambda: _quoted(o.csv_fieldsep),
        "expanded": lambda: o.expanded,
        "fieldsep": lambda: _quoted("" if o.fieldsep == ZERO else o.fieldsep),
        "fieldsep_zero": lambda: _on_off(o.fieldsep == ZERO),
        "footer": lambda: _on_off(o.footer),
        "null": lambda: _quoted(o.null),
        "numericlocale": lambda: _on_off(o.numericlocale),
        "recordsep": lambda: _quoted("" if o.recordsep == ZERO else o.recordsep),
        "recordsep_zero": lambda: _on_off(o.recordsep == ZERO),
        "tableattr": lambda: _quoted(o.tableattr) if o.tableattr is not None else "",
        "title": lambda: _quoted(o.title) if o.title is not None else "",
        "tuples_only": lambda: _on_off(o.tuples_only),
    }
    return values[name]() if name in values else str(getattr(o, name))


def pset_listing(options: PrintOptions) -> str:
    """``\\pset`` with no argument: every option and its value."""
    return "".join(f"{name:<24} {pset_value(options, name)}\n" for name in LISTED)
