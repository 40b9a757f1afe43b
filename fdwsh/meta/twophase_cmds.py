r"""``\dtwophase`` and ``\resolve``: the two-phase commits an earlier session (or a server that
could not be reached) left between their phases (fdwsh.remote.twophase).  fdwsh's own commands;
psql has none like them.

``\dtwophase`` lists the in-doubt set the catalog records and the undecided prepared
transactions of this catalog that its servers hold; ``\resolve`` commits the former and rolls
back the latter once their process is gone (COMMIT/ROLLBACK PREPARED), and lists what happened.
Like COMMIT PREPARED, ``\resolve`` cannot run inside a transaction block.
"""

from __future__ import annotations

from fdwsh.errors import FdwshError
from fdwsh.meta.registry import MetaCall, meta_command
from fdwsh.output.result import Column, Result
from fdwsh.remote.twophase_resolve import Leftover, leftovers, resolve

GROUP = "Two-Phase Commit"
_COLUMNS = [Column("Transaction"), Column("Server"), Column("Prepared at")]


def _leftovers(call: MetaCall) -> list[Leftover]:
    """What is left, recorded or not (servers that cannot be asked are warned about)."""
    session, notices = call.session, []
    items = leftovers(session.store, session.remote(), notices)
    for notice in notices:
        session.notice(notice)
    return items


@meta_command("dtwophase", syntax="\\dtwophase",
              help="list two-phase commits left in doubt (prepared, not yet finished)",
              group=GROUP)
def cmd_list(call: MetaCall) -> Result:
    rows = [(i.gid, i.server, i.prepared_at, i.action) for i in _leftovers(call)]
    return Result(columns=[*_COLUMNS, Column("Action")], rows=rows,
                  title="Two-phase commits in doubt")


@meta_command("resolve", syntax="\\resolve",
              help="finish them: commit the recorded ones, roll back the abandoned ones",
              group=GROUP)
def cmd_resolve(call: MetaCall) -> Result:
    session = call.session
    if session.txn.in_block:
        raise FdwshError("\\resolve cannot run inside a transaction block", sqlstate="25001")
    rows = [(item.gid, item.server, outcome)
            for item, outcome in resolve(session.store, session.remote(), _leftovers(call))]
    return Result(columns=[*_COLUMNS[:2], Column("Outcome")], rows=rows,
                  title="Resolved two-phase commits")
