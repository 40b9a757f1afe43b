r"""The ``\d`` family as meta-commands: read the pattern, call describe, hand back Results.

Dispatch follows psql 15's exec_command_d(): ``+`` anywhere in the command name asks for detail,
``S`` for system objects; ``\d`` with a pattern describes each matching relation, without one it
lists relations; ``\dE``/``\dt``/``\di``/``\dv``/``\dm``/``\ds`` list relations of those kinds.
psql's own messages (a bad pattern, "Did not find any relation named ...") go to stderr through
Session.warn; whether the command then counts as failed is the message's ``failed``.
"""

from __future__ import annotations

from collections.abc import Callable

from fdwsh.meta import describe
from fdwsh.meta.describe_common import DescribeEnv
from fdwsh.meta.patterns import PsqlLogError
from fdwsh.meta.registry import MetaCall, MetaStatus, meta_command
from fdwsh.output.result import Result

GROUP = "Informational"
Outcome = Result | list[Result] | MetaStatus


def describe_env(call: MetaCall) -> DescribeEnv:
    """The session facts the listings depend on."""
    session = call.session
    return DescribeEnv(
        user=session.user,
        search_path=tuple(session.gucs.search_path),
        dbname=session.variables.get("DBNAME"),
        quiet=session.quiet,
        hide_tableam=session.variables.is_on("HIDE_TABLEAM"),
    )


def _run(call: MetaCall, listing: Callable[[], Result | list[Result]]) -> Outcome:
    """Run one listing; report psql's client-side messages as psql does."""
    try:
        return listing()
    except PsqlLogError as exc:
        if exc.message:
            call.session.warn(exc.message)
        return MetaStatus.ERROR if exc.failed else MetaStatus.SKIP_LINE


def _system(call: MetaCall) -> bool:
    return "S" in call.name


# Decorators register bottom-up: the lowest comes first in \?, in psql's order.
@meta_command("d", syntax="\\d[S+]  NAME", help="describe table, view, sequence, or index",
              group=GROUP)
@meta_command("d", syntax="\\d[S+]", help="list tables, views, and sequences", group=GROUP)
def cmd_describe(call: MetaCall) -> Outcome:
    r"""``\d NAME`` describes; bare ``\d`` lists relations (tables, views, sequences, ...)."""
    pattern = call.args.next()
    store, env = call.session.store, describe_env(call)
    if pattern is None:
        return _run(call, lambda: describe.list_tables(
            store, None, call.verbose, "tvmsE", system=_system(call), env=env))
    return _run(call, lambda: describe.describe_table(store, pattern, call.verbose, env=env))


@meta_command("dv", syntax="\\dv[S+] [PATTERN]", help="list views", group=GROUP)
@meta_command("dt", syntax="\\dt[S+] [PATTERN]", help="list tables", group=GROUP)
@meta_command("ds", syntax="\\ds[S+] [PATTERN]", help="list sequences", group=GROUP)
@meta_command("dm", syntax="\\dm[S+] [PATTERN]", help="list materialized views", group=GROUP)
@meta_command("di", syntax="\\di[S+] [PATTERN]", help="list indexes", group=GROUP)
@meta_command("dE", syntax="\\dE[S+] [PATTERN]", help="list foreign tables", group=GROUP)
def cmd_list_relations(call: MetaCall) -> Outcome:
    r"""``\dE`` and its siblings: the letters after ``d`` pick the relation kinds."""
    pattern = call.args.next()
    store, env = call.session.store, describe_env(call)
    return _run(call, lambda: describe.list_tables(
        store, pattern, call.verbose, call.name[1:], system=_system(call), env=env))


@meta_command("des", syntax="\\des[+] [PATTERN]", help="list foreign servers", group=GROUP)
def cmd_list_servers(call: MetaCall) -> Outcome:
    pattern = call.args.next()
    return _run(call, lambda: describe.list_foreign_servers(
        call.session.store, pattern, call.verbose))


@meta_command("det", syntax="\\det[+] [PATTERN]", help="list foreign tables", group=GROUP)
def cmd_list_foreign_tables(call: MetaCall) -> Outcome:
    pattern = call.args.next()
    return _run(call, lambda: describe.list_foreign_tables(
        call.session.store, pattern, call.verbose, env=describe_env(call)))


@meta_command("deu", syntax="\\deu[+] [PATTERN]", help="list user mappings", group=GROUP)
def cmd_list_user_mappings(call: MetaCall) -> Outcome:
    r"""``\deu+`` masks passwords unless the variable SHOW_PASSWORDS is on (an fdwsh addition)."""
    pattern = call.args.next()
    show = call.session.variables.is_on("SHOW_PASSWORDS")
    return _run(call, lambda: describe.list_user_mappings(
        call.session.store, pattern, call.verbose, show_passwords=show))


@meta_command("dew", syntax="\\dew[+] [PATTERN]", help="list foreign-data wrappers", group=GROUP)
def cmd_list_fdws(call: MetaCall) -> Outcome:
    pattern = call.args.next()
    return _run(call, lambda: describe.list_foreign_data_wrappers(
        call.session.store, pattern, call.verbose))


@meta_command("dn", syntax="\\dn[S+] [PATTERN]", help="list schemas", group=GROUP)
def cmd_list_schemas(call: MetaCall) -> Outcome:
    pattern = call.args.next()
    return _run(call, lambda: describe.list_schemas(
        call.session.store, pattern, call.verbose, system=_system(call), env=describe_env(call)))
