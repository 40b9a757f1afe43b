"""What a catalog statement handler needs from the session, and nothing more."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fdwsh.catalog.store import CatalogStore
from fdwsh.errors import Notice


@dataclass(slots=True)
class DdlContext:
    """Per-statement context handed to ``catalog.ddl`` handlers.

    ``source`` is the text of this one statement: pglast ``location`` fields are 0-based offsets
    into it, and ``FdwshError.position`` is that offset + 1 (PostgreSQL's cursor position).
    ``user`` is the local user name (``-U``, default the OS login): object owner and the user that
    ``CURRENT_USER``/``USER`` mean in USER MAPPING statements.
    """

    store: CatalogStore
    user: str
    source: str = ""
    notices: list[Notice] = field(default_factory=list)
    notify: Callable[[Notice], None] | None = None
    #: The session's search_path (``SET search_path``); None: ``"$user", public``.
    search_path: list[str] | None = None

    def notice(self, message: str, **kw: str) -> None:
        """Emit ``NOTICE:  message`` (printed before the command tag, as psql does)."""
        n = Notice(message, **kw)
        if self.notify is not None:
            self.notify(n)
        else:
            self.notices.append(n)
