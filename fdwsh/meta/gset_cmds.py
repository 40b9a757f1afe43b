r"""``\gset [PREFIX]``: send the query buffer and store its one row in variables (psql 15).

Each column becomes variable PREFIX + column name, a NULL unsets it; variables psql treats
specially (AUTOCOMMIT, ECHO …) are skipped with a warning; an invalid name stops the storing.
No row or several rows are errors, and a statement that returns no rows prints its tag as usual.
The query's rows reach :func:`store_row` instead of the formatter (``Session.capture``).
"""

from __future__ import annotations

from fdwsh.meta.registry import MetaCall, MetaStatus, meta_command
from fdwsh.meta.varhooks import HOOKS, VariableError, assign_variable
from fdwsh.output.result import Result


@meta_command("gset", syntax="\\gset [PREFIX]", group="General",
              help="execute query and store result in psql variables")
def cmd_gset(call: MetaCall) -> MetaStatus:
    session = call.session
    prefix = call.args.next() or ""
    text = session.scanner.take_buffer() or session.previous_query
    if not text:
        return MetaStatus.SKIP_LINE
    stored: list[bool] = []
    session.capture = lambda result: stored.append(store_row(call, result, prefix))
    try:
        ok = session.run_sql(text)
    finally:
        session.capture = None
    if ok and stored and not stored[-1]:
        return MetaStatus.ERROR
    return MetaStatus.SKIP_LINE


def store_row(call: MetaCall, result: Result, prefix: str) -> bool:
    """Store the result's single row; False (after reporting, as psql) when it cannot."""
    session = call.session
    rows = list(result.rows)
    if len(rows) != 1:
        session.warn("no rows returned for \\gset" if not rows
                     else "more than one row returned for \\gset")
        return False
    for column, value in zip(result.columns or (), rows[0]):
        name = prefix + column.name
        if name in HOOKS:
            session.warn(f'attempt to \\gset into specially treated variable "{name}" ignored',
                         "warning")
            continue
        try:
            assign_variable(session.variables, name, value)
        except VariableError as exc:
            session.warn(str(exc))
            return False
    return True
