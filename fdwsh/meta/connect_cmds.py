r"""``\c SERVER`` (gsql's habit): work on one remote server directly; ``\c`` or ``\c -`` returns
to the federated catalog.

While connected, every SQL statement runs on that server as typed (CREATE TABLE, functions,
anything), with the server's own session settings and autocommit, and prints as psql would;
the prompt's ``%/`` shows the server's name.  Backslash commands still act on fdwsh (the
``\d`` family lists the catalog).  See :mod:`fdwsh.remote.passthrough`.
"""

from __future__ import annotations

from fdwsh.meta.registry import MetaCall, MetaStatus, meta_command


@meta_command("c", "connect", syntax="\\c[onnect] [SERVER|-]", group="Connection",
              help="run statements on SERVER directly (\\c alone: back to the catalog)")
def cmd_connect(call: MetaCall) -> MetaStatus:
    session = call.session
    target = call.args.next()
    if target in (None, "-"):
        if session.passthrough is not None:
            _leave(session)
            _say(session, "You are now back in the federated catalog.")
        return MetaStatus.SKIP_LINE
    from fdwsh.remote.passthrough import PassThrough

    conninfo = session.remote().conninfo(target)  # the server and mapping must exist
    opened = PassThrough.open(target, conninfo,
                              require_password=session.remote().password_required(target))
    if session.passthrough is not None:
        _leave(session)
    session.passthrough = opened
    database, user = opened.identity()
    _say(session, f'You are now connected to server "{target}" (database "{database}" as user '
                  f'"{user}"); statements run there as typed.')
    return MetaStatus.SKIP_LINE


def _leave(session: object) -> None:
    passthrough = session.passthrough  # type: ignore[attr-defined]
    session.passthrough = None  # type: ignore[attr-defined]
    passthrough.close()


def _say(session: object, text: str) -> None:
    out = session.stdout  # type: ignore[attr-defined]
    out.write(text + "\n")
    out.flush()
