"""Date/time literals of a statement fdwsh sends whole, read as the session reads them.

A direct UPDATE/DELETE or a shipped INSERT … SELECT carries the statement's own literals to the
remote, whose session is pinned to UTC, ISO and postgres (see fdwsh.remote.link); under
``DateStyle = 'SQL, DMY'`` the remote would read ``'01/02/2003'`` as January 2nd where
PostgreSQL reads February 1st.  So, when the session's styles differ from the remote's, the
statement's analysis notes every literal it reads as a date/time value (ParseState's
``typed_literals``, as fdwsh.plan.analysis.fold_session_literals does for queries), and each is
rewritten in place to the text the remote reads as the same value.
"""

from __future__ import annotations

from typing import Any

from pglast import ast

from fdwsh.exec.dml_target import Target
from fdwsh.types.settings import REMOTE

TypedLiterals = dict[int, tuple[int, Any]]


def literal_sink(ctx: Any) -> TypedLiterals | None:
    """Where an analysis notes the typed literals, when the session reads them differently
    from the remote (None: it reads them alike, nothing to rewrite)."""
    from fdwsh.plan.analysis import _reads_like_remote

    settings = getattr(ctx, "gucs", None)
    return None if settings is None or _reads_like_remote(settings) else {}


def rewrite_literals(stmt: ast.Node, target: Target, typed: TypedLiterals) -> None:
    """Replace, in ``stmt``, each noted date/time literal by its remote spelling."""
    from fdwsh.exec.values import format_output
    from fdwsh.plan.analysis import _SESSION_READ, _string_constants

    strings = _string_constants(stmt)
    by_location = {loc: strings[node_id] for node_id, loc in target.const_locations.items()
                   if node_id in strings}
    for loc, (oid, value) in typed.items():
        node = by_location.get(loc)
        if oid in _SESSION_READ and node is not None and value is not None:
            node.val = ast.String(sval=format_output(oid, value, REMOTE))
