r"""``\dtwophase`` and ``\resolve``: the two-phase commits an earlier session (or a server that
could not be reached) left between their phases (fdwsh.remote.twophase).  fdwsh's own commands;
psql has none like them.

``\dtwophase`` lists the in-doubt set the catalog records; ``\resolve`` commits each of them on
its server (COMMIT PREPARED) and lists what happened.  Like COMMIT PREPARED, ``\resolve`` cannot
run inside a transaction block.
"""

from __future__ import annotations

from fdwsh.errors import FdwshError
from fdwsh.meta.registry import MetaCall, meta_command
from fdwsh.output.result import Column, Result

GROUP = "Two-Phase Commit"
_COLUMNS = [Column("Transaction"), Column("Server"), Column("Prepared at")]


@meta_command("dtwophase", syntax="\\dtwophase",
              help="list two-phase commits left in doubt (prepared, not yet committed)",
              group=GROUP)
def cmd_list(call: MetaCall) -> Result:
    from fdwsh.remote import twophase

    rows = [(i.gid, i.server, i.created_at) for i in twophase.leftovers(call.session.store)]
    return Result(columns=_COLUMNS, rows=rows, title="Two-phase commits in doubt")


@meta_command("resolve", syntax="\\resolve",
              help="commit the two-phase commits left in doubt on their servers", group=GROUP)
def cmd_resolve(call: MetaCall) -> Result:
    from fdwsh.remote import twophase

    session = call.session
    if session.txn.in_block:
        raise FdwshError("\\resolve cannot run inside a transaction block", sqlstate="25001")
    rows = [(item.gid, item.server, outcome)
            for item, outcome in twophase.resolve(session.store, session.remote())]
    return Result(columns=[*_COLUMNS[:2], Column("Outcome")], rows=rows,
                  title="Resolved two-phase commits")
