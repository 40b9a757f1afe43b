"""Registry of backslash meta-commands (pgspecial's decorator + psql's backslashResult).

A handler is a small function taking a :class:`MetaCall`; it reads its arguments from
``call.args`` and returns a :class:`MetaStatus`, a Result (or list of Results) for the session to
print, or None (done, nothing to print).  Handlers never print results themselves.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from fdwsh.input.args import ArgReader

if TYPE_CHECKING:
    from fdwsh.session import Session


class MetaStatus(Enum):
    """psql's backslashResult."""

    SKIP_LINE = "skip"  # done; keep building the query
    SEND = "send"  # send the query buffer now (\g)
    TERMINATE = "terminate"  # quit (\q)
    NEWEDIT = "newedit"  # the query buffer was replaced (\e)
    ERROR = "error"  # the command failed (message already reported)


@dataclass(slots=True)
class MetaCall:
    """One invocation: the session, the command name as typed, and its argument reader."""

    session: Session
    name: str
    args: ArgReader

    @property
    def verbose(self) -> bool:
        """``+`` modifier (``\\des+``)."""
        return "+" in self.name


Handler = Callable[[MetaCall], Any]


@dataclass(frozen=True, slots=True)
class MetaSpec:
    """A registered command: its names, the syntax and one-line help shown by ``\\?``."""

    names: tuple[str, ...]
    syntax: str
    help: str
    group: str
    handler: Handler


COMMANDS: dict[str, MetaSpec] = {}
ORDERED: list[MetaSpec] = []


def meta_command(*names: str, syntax: str, help: str, group: str = "General"
                 ) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of ``\\name`` (for each name)."""

    def register(fn: Handler) -> Handler:
        spec = MetaSpec(tuple(names), syntax, help, group, fn)
        for name in names:
            COMMANDS[name] = spec
        ORDERED.append(spec)
        return fn

    return register


_MODIFIERS = re.compile(r"[S+]+$")


def lookup(name: str) -> MetaSpec | None:
    """Find the command for ``name``, allowing psql's ``+``/``S`` modifiers (``\\dE+``)."""
    _load_commands()
    return COMMANDS.get(name) or COMMANDS.get(_MODIFIERS.sub("", name))


_loaded = False


def _load_commands() -> None:
    """Import the command modules once (they register themselves on import)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    import importlib
    import pkgutil

    import fdwsh.meta as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name.endswith(("_cmds", "_cmd")):
            importlib.import_module(f"fdwsh.meta.{info.name}")
