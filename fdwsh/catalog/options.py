"""Generic options (``OPTIONS (...)``) as PostgreSQL 15 and postgres_fdw's validator handle them.

Contract:

- :func:`transform_options` is foreigncmds.c ``transformGenericOptions()``: it applies a statement's
  option list (ADD/SET/DROP, or plain = ADD) to an object's current options, keeping PostgreSQL's
  order (ADD appends, SET replaces in place, DROP removes), then runs :func:`validate_options`.
- :func:`validate_options` is postgres_fdw's ``postgres_fdw_validator()`` (option.c): every option
  must be valid for the object kind, and some values are checked.  Errors carry PostgreSQL's
  SQLSTATE and text; the ``extensions`` option warns through ``warn`` as PostgreSQL does.

The local user counts as a superuser, so the superuser-only checks of ``password_required``,
``sslcert`` and ``sslkey`` on user mappings always pass.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from fdwsh.errors import (DuplicateObject, InvalidOptionName, InvalidParameterValue, SyntaxErr,
                          UndefinedObject)

Options = list[tuple[str, str]]

SERVER = "server"
USER_MAPPING = "user mapping"
FOREIGN_TABLE = "foreign table"
COLUMN = "column"

# The options postgres_fdw accepts per object kind, in the order PostgreSQL 15 lists them in the
# HINT of ``invalid option`` (postgres_fdw's option table, built from libpq's PQconndefaults()
# minus user/password/sslpassword/client_encoding/fallback_application_name/replication and
# debug options).  Taken from PostgreSQL 15.18 + postgres_fdw 1.1; this is data, not logic.
VALID_OPTIONS: dict[str, tuple[str, ...]] = {
    SERVER: (
        "service", "passfile", "channel_binding", "connect_timeout", "dbname", "host",
        "hostaddr", "port", "options", "application_name", "keepalives", "keepalives_idle",
        "keepalives_interval", "keepalives_count", "tcp_user_timeout", "sslmode",
        "sslcompression", "sslcert", "sslkey", "sslrootcert", "sslcrl", "sslcrldir", "sslsni",
        "requirepeer", "ssl_min_protocol_version", "ssl_max_protocol_version", "gssencmode",
        "krbsrvname", "gsslib", "target_session_attrs", "use_remote_estimate",
        "fdw_startup_cost", "fdw_tuple_cost", "extensions", "updatable", "truncatable",
        "fetch_size", "batch_size", "async_capable", "parallel_commit", "keep_connections",
    ),
    USER_MAPPING: ("user", "password", "sslpassword", "password_required", "sslcert", "sslkey"),
    FOREIGN_TABLE: (
        "schema_name", "table_name", "use_remote_estimate", "updatable", "truncatable",
        "fetch_size", "batch_size", "async_capable",
    ),
    COLUMN: ("column_name",),
}

#: fdwsh's own options, accepted besides postgres_fdw's but left out of the HINT's list (which
#: stays postgres_fdw's, byte for byte): ``two_phase_commit`` asks for atomic commit of the
#: transactions that write on this server and others (fdwsh.remote.twophase).
#: ``analyze_sampling`` (postgres_fdw 16's, offered with PostgreSQL 15 too) is how ANALYZE
#: samples a table whose remote has no statistics (fdwsh.exec.analyze_remote).
EXTENSION_OPTIONS: dict[str, tuple[str, ...]] = {
    SERVER: ("two_phase_commit", "analyze_sampling"), FOREIGN_TABLE: ("analyze_sampling",)}

BOOLEAN_OPTIONS = frozenset({"use_remote_estimate", "updatable", "truncatable", "async_capable",
                             "parallel_commit", "keep_connections", "password_required",
                             "two_phase_commit"})
COST_OPTIONS = frozenset({"fdw_startup_cost", "fdw_tuple_cost"})
COUNT_OPTIONS = frozenset({"fetch_size", "batch_size"})
ANALYZE_SAMPLING = ("off", "auto", "random", "system", "bernoulli")

WarnFn = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class OptionChange:
    """One element of an OPTIONS list: action is ``ADD``, ``SET``, ``DROP`` or ``UNSPEC``."""

    name: str
    value: str | None = None
    action: str = "UNSPEC"


def changes_from_defelems(defelems: Iterable[object] | None) -> list[OptionChange]:
    """pglast ``DefElem`` nodes (``OPTIONS (host 'x')``) → :class:`OptionChange` list."""
    out = []
    for d in defelems or ():
        arg = getattr(d, "arg", None)
        value = None if arg is None else getattr(arg, "sval", None)
        action = getattr(d.defaction, "name", str(d.defaction)).removeprefix("DEFELEM_")
        out.append(OptionChange(d.defname, value, action))
    return out


def transform_options(current: Options, changes: Sequence[OptionChange], context: str, *,
                      validate: bool = True, warn: WarnFn | None = None,
                      extension_installed: Callable[[str], bool] | None = None) -> Options:
    """Apply ``changes`` to ``current`` and (``validate``) check the result for ``context``."""
    result = list(current)
    for change in changes:
        index = next((i for i, (k, _) in enumerate(result) if k == change.name), None)
        if change.action in ("DROP", "SET") and index is None:
            raise UndefinedObject(f'option "{change.name}" not found')
        if change.action == "DROP":
            del result[index]  # type: ignore[arg-type]
        elif change.action == "SET":
            result[index] = (change.name, change.value or "")  # type: ignore[index]
        elif index is not None:
            raise DuplicateObject(f'option "{change.name}" provided more than once')
        else:
            result.append((change.name, change.value or ""))
    if validate:
        validate_options(result, context, warn=warn, extension_installed=extension_installed)
    return result


def validate_options(options: Options, context: str, *, warn: WarnFn | None = None,
                     extension_installed: Callable[[str], bool] | None = None) -> None:
    """postgres_fdw_validator(): names first, then values, option by option in list order."""
    valid = VALID_OPTIONS[context]
    for name, value in options:
        if name not in valid and name not in EXTENSION_OPTIONS.get(context, ()):
            hint = ("Valid options in this context are: " + ", ".join(valid) if valid
                    else "There are no valid options in this context.")
            raise InvalidOptionName(f'invalid option "{name}"', hint=hint)
        _check_value(name, value, warn, extension_installed)


def _check_value(name: str, value: str, warn: WarnFn | None,
                 extension_installed: Callable[[str], bool] | None) -> None:
    if name in BOOLEAN_OPTIONS:
        parse_boolean_option(name, value)
    elif name in COST_OPTIONS:
        real = parse_real(value)
        if real is None:
            raise InvalidParameterValue(
                f'invalid value for floating point option "{name}": {value}')
        if real < 0:
            raise InvalidParameterValue(
                f'"{name}" must be a floating point value greater than or equal to zero')
    elif name in COUNT_OPTIONS:
        count = parse_int(value)
        if count is None:
            raise InvalidParameterValue(f'invalid value for integer option "{name}": {value}')
        if count <= 0:
            raise InvalidParameterValue(f'"{name}" must be an integer value greater than zero')
    elif name == "analyze_sampling" and value.lower() not in ANALYZE_SAMPLING:
        raise InvalidParameterValue(f"invalid value for string option \"{name}\": {value}")
    elif name == "extensions":
        for ext in extension_list(value):
            if warn is not None and not (extension_installed and extension_installed(ext)):
                warn(f'extension "{ext}" is not installed')


def parse_boolean_option(name: str, value: str) -> bool:
    """defGetBoolean() on a string: true/false/on/off in any case, nothing else."""
    lowered = value.lower() if value.isascii() else value
    if lowered in ("true", "on"):
        return True
    if lowered in ("false", "off"):
        return False
    raise SyntaxErr(f"{name} requires a Boolean value")


# ---------------------------------------------------------------------------------------------
# Number parsing as guc.c parse_real()/parse_int() do it (C strtod/strtol, no units allowed).

_SPACE = " \t\n\v\f\r"
_DEC = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_HEX = re.compile(r"([+-]?)0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?)")
_SPECIAL = re.compile(r"([+-]?)(infinity|inf|nan)", re.IGNORECASE)
_LONG = re.compile(r"([+-]?)(0[xX](?=[0-9a-fA-F])[0-9a-fA-F]+|0[0-7]*|[1-9]\d*)")
DBL_MIN = 2.2250738585072014e-308


def _strtod(text: str, start: int) -> tuple[float, int, bool] | None:
    """C strtod() from ``start`` (after blanks): (value, end, erange), or None if no number."""
    if m := _HEX.match(text, start):
        sign = -1.0 if m.group(1) == "-" else 1.0
        body = m.group(2)
        if "p" not in body.lower():
            body += "p0"
        try:
            val = sign * float.fromhex(body)
        except OverflowError:
            return sign * math.inf, m.end(), True
        return val, m.end(), val != 0 and abs(val) < DBL_MIN
    if m := _SPECIAL.match(text, start):
        val = math.nan if m.group(2).lower() == "nan" else math.inf
        return (-val if m.group(1) == "-" else val), m.end(), False
    if m := _DEC.match(text, start):
        val = float(m.group(0))
        mantissa_nonzero = any(c in "123456789" for c in m.group(0).split("e")[0].split("E")[0])
        erange = math.isinf(val) or (mantissa_nonzero and abs(val) < DBL_MIN)
        return val, m.end(), erange
    return None


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _SPACE:
        pos += 1
    return pos


def parse_real(value: str) -> float | None:
    """guc.c parse_real() without units: the value, or None where PostgreSQL says invalid."""
    parsed = _strtod(value, _skip_space(value, 0))
    if parsed is None or parsed[2] or math.isnan(parsed[0]):
        return None
    return parsed[0] if _skip_space(value, parsed[1]) == len(value) else None


def _strtol(text: str, start: int) -> tuple[int, int, bool] | None:
    m = _LONG.match(text, start)
    if m is None:
        return None
    digits = m.group(2)
    if digits[:2].lower() == "0x":
        val = int(digits, 16)
    elif digits.startswith("0"):
        val = int(digits, 8)
    else:
        val = int(digits)
    val = -val if m.group(1) == "-" else val
    return val, m.end(), not -2**63 <= val < 2**63


def parse_int(value: str) -> int | None:
    """guc.c parse_int() without units: octal/hex/decimal, or a float rounded half-to-even."""
    start = _skip_space(value, 0)
    parsed: tuple[float, int, bool] | None = _strtol(value, start)  # type: ignore[assignment]
    if parsed is None or parsed[2] or value[parsed[1]:parsed[1] + 1] in (".", "e", "E"):
        parsed = _strtod(value, start)
    if parsed is None or parsed[2] or math.isnan(parsed[0]):
        return None
    if _skip_space(value, parsed[1]) != len(value):
        return None
    if math.isinf(parsed[0]):
        return None
    rounded = round(parsed[0])
    return rounded if -2**31 <= rounded < 2**31 else None


def extension_list(value: str) -> list[str]:
    """ExtractExtensionList()'s SplitIdentifierString(value, ','), else PostgreSQL's error."""
    names = split_identifiers(value, ",")
    if names is None:
        raise InvalidParameterValue('parameter "extensions" must be a list of extension names')
    return names


def split_identifiers(text: str, sep: str) -> list[str] | None:
    """varlena.c SplitIdentifierString(): quoted or downcased names, None on a syntax error."""
    names: list[str] = []
    pos = _skip_space(text, 0)
    if pos == len(text):
        return names
    while True:
        if text[pos:pos + 1] == '"':
            name, pos = _quoted_identifier(text, pos)
            if name is None:
                return None
        else:
            end = pos
            while end < len(text) and text[end] != sep and text[end] not in _SPACE:
                end += 1
            if end == pos:
                return None
            name = "".join(c.lower() if "A" <= c <= "Z" else c for c in text[pos:end])
            pos = end
        names.append(name.encode()[:63].decode(errors="ignore"))
        pos = _skip_space(text, pos)
        if pos == len(text):
            return names
        if text[pos] != sep:
            return None
        pos = _skip_space(text, pos + 1)


def _quoted_identifier(text: str, pos: int) -> tuple[str | None, int]:
    out = []
    pos += 1
    while True:
        end = text.find('"', pos)
        if end < 0:
            return None, pos
        out.append(text[pos:end])
        if text[end + 1:end + 2] != '"':
            return '"'.join(out), end + 1  # "" is a (zero-length) name here
        pos = end + 2
