r"""psql's variable rules (variables.c + the hooks startup.c installs), for ``\set``/``\unset``.

Contract: :func:`assign_variable` sets or (value None) deletes a variable exactly as psql's
SetVariable does: the name must be valid, a special variable's *substitute hook* may rewrite the
value (``\unset ON_ERROR_STOP`` stores ``off``, ``\set QUIET`` stores ``on``), and its *assign
hook* may reject it with psql's message, leaving the old value in place.  The parsers
(:func:`parse_variable_bool`, :func:`parse_variable_num`) are shared with ``\pset``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fdwsh.settings import Variables

_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789")


class VariableError(Exception):
    """A value psql would refuse; ``str(exc)`` is psql's message (it may span two lines)."""


def valid_variable_name(name: str) -> bool:
    """Letters, digits, underscores, or any non-ASCII character; not empty."""
    return bool(name) and all(ch in _NAME_CHARS or ord(ch) > 127 for ch in name)


def parse_variable_bool(value: str, name: str | None = None) -> bool:
    """psql's ParseVariableBool: unique prefixes of true/false/yes/no, ``on``/``off`` (at least
    two letters, since "o" is ambiguous), 1/0, case-insensitive.  ``name`` names the setting in
    the error; without one the error has no text (callers report their own)."""
    low, n = value.lower(), len(value)
    if n and ("true".startswith(low) or "yes".startswith(low)):
        return True
    if n and ("false".startswith(low) or "no".startswith(low)):
        return False
    if n >= 2 and "on".startswith(low):
        return True
    if n >= 2 and "off".startswith(low):
        return False
    if value in ("1", "0"):
        return value == "1"
    raise VariableError(f'unrecognized value "{value}" for "{name}": Boolean expected'
                        if name else "")


def parse_variable_num(value: str | None, name: str) -> int:
    """psql's ParseVariableNum: the whole string must be a C ``strtol(value, 0)`` integer (so
    ``0x10`` and ``010`` are hex and octal) that fits in an int."""
    text = (value or "").lstrip(" \t\n\r\f\v")
    sign, body = (-1, text[1:]) if text[:1] == "-" else (1, text[1:] if text[:1] == "+" else text)
    base = 16 if body[:2].lower() == "0x" and len(body) > 2 else 8 if body[:1] == "0" else 10
    digits = body[2:] if base == 16 else body
    try:
        number = sign * int(digits, base) if digits.isascii() and digits.isalnum() else None
    except ValueError:
        number = None
    if number is None or not -2**31 <= number < 2**31:
        raise VariableError(f'invalid value "{value or ""}" for "{name}": integer expected')
    return number


def enum_error(name: str, value: str, allowed: str) -> VariableError:
    """psql's PsqlVarEnumError (the second line is printed without a prefix)."""
    return VariableError(f'unrecognized value "{value}" for "{name}"\n'
                         f"Available values are: {allowed}.")


# -- hooks -----------------------------------------------------------------------------------

Substitute = Callable[[str | None], str | None]
Assign = Callable[[str, str | None], None]


@dataclass(frozen=True, slots=True)
class Hooks:
    substitute: Substitute | None
    assign: Assign | None


def _bool_substitute(value: str | None) -> str | None:
    """Unset means off; set to nothing means on."""
    if value is None:
        return "off"
    return "on" if value == "" else value


def _default(default: str) -> Substitute:
    return lambda value: default if value is None else value


def _ignoreeof_substitute(value: str | None) -> str | None:
    """IGNOREEOF: unset means 0, anything not a number means 10."""
    if value is None:
        return "0"
    try:
        parse_variable_num(value, "IGNOREEOF")
    except VariableError:
        return "10"
    return value


def _bool_assign(name: str, value: str | None) -> None:
    parse_variable_bool(value or "", name)


def _num_assign(name: str, value: str | None) -> None:
    parse_variable_num(value, name)


def _enum_assign(allowed: str, *, or_bool: bool = False) -> Assign:
    """Accept one of ``allowed`` (case-insensitive), or also a boolean spelling."""
    names = [word.strip() for word in allowed.split(",")]

    def assign(name: str, value: str | None) -> None:
        text = value or ""
        if text.lower() in names:
            return
        if or_bool:
            try:
                parse_variable_bool(text)
                return
            except VariableError:
                pass
        raise enum_error(name, text, allowed)

    return assign


HOOKS: dict[str, Hooks] = {
    **{name: Hooks(_bool_substitute, _bool_assign) for name in (
        "AUTOCOMMIT", "ON_ERROR_STOP", "QUIET", "SINGLELINE", "SINGLESTEP",
        "SHOW_ALL_RESULTS", "HIDE_TOAST_COMPRESSION", "HIDE_TABLEAM")},
    "FETCH_COUNT": Hooks(_default("0"), _num_assign),
    "HISTSIZE": Hooks(_default("500"), _num_assign),
    "IGNOREEOF": Hooks(_ignoreeof_substitute, None),
    "ECHO": Hooks(_default("none"), _enum_assign("none, errors, queries, all")),
    "ECHO_HIDDEN": Hooks(_bool_substitute, _enum_assign("on, off, noexec", or_bool=True)),
    "ON_ERROR_ROLLBACK": Hooks(_bool_substitute,
                               _enum_assign("on, off, interactive", or_bool=True)),
    "COMP_KEYWORD_CASE": Hooks(_default("preserve-upper"), _enum_assign(
        "lower, upper, preserve-lower, preserve-upper")),
    "HISTCONTROL": Hooks(_default("none"), _enum_assign(
        "none, ignorespace, ignoredups, ignoreboth")),
    "VERBOSITY": Hooks(_default("default"), _enum_assign("default, verbose, terse, sqlstate")),
    "SHOW_CONTEXT": Hooks(_default("errors"), _enum_assign("never, errors, always")),
}


def assign_variable(variables: Variables, name: str, value: str | None) -> None:
    """psql's SetVariable (value None deletes); raises VariableError with psql's message."""
    if not valid_variable_name(name):
        if value is None:
            return  # deleting a variable that cannot exist is not an error
        raise VariableError(f'invalid variable name: "{name}"')
    hooks = HOOKS.get(name)
    if hooks is not None:
        if hooks.substitute is not None:
            value = hooks.substitute(value)
        if hooks.assign is not None:
            hooks.assign(name, value)
    if value is None:
        variables.unset(name)
    else:
        variables.set(name, value)
