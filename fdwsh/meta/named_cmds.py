r"""Named queries, as pgcli has them: ``\ns NAME QUERY`` saves, ``\n NAME [ARGS…]`` runs,
``\n`` lists, ``\nd NAME`` deletes.

They are kept in ``named_queries.json`` in fdwsh's data directory (mode 0600: a query may hold
literals one would not share), so every session sees them.  A saved query may use positional
parameters ``$1`` … ``$9``, replaced by the arguments of ``\n`` as typed (``\n by_id 42``), and
``$*`` for all arguments joined by ", "; a missing argument is an error rather than an empty
hole in the SQL.  ``\n`` shows the query it runs (``> SELECT …``) unless QUIET.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from fdwsh.catalog.store import data_dir
from fdwsh.meta.registry import MetaCall, MetaStatus, meta_command
from fdwsh.output.result import Column, Result

GROUP = "Named Queries"
_PLACEHOLDER = re.compile(r"\$(\d|\*)")


def store_path() -> Path:
    return data_dir() / "named_queries.json"


def load() -> dict[str, str]:
    try:
        return dict(json.loads(store_path().read_text(encoding="utf-8")))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise OSError(f"could not read named queries from {store_path()}: {exc}") from None


def save(queries: dict[str, str]) -> None:
    """Write the whole file anew, then move it into place (a crash leaves the old one)."""
    path = store_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temp = path.with_name(path.name + ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(dict(sorted(queries.items())), out, indent=1)
    os.replace(temp, path)


def substitute(query: str, args: list[str]) -> str:
    """``$1`` … ``$9`` and ``$*`` replaced by the arguments (ValueError: one is missing)."""
    def one(match: re.Match[str]) -> str:
        key = match.group(1)
        if key == "*":
            return ", ".join(args)
        index = int(key)
        if index == 0 or index > len(args):
            raise ValueError(f"missing argument ${key}")
        return args[index - 1]

    return _PLACEHOLDER.sub(one, query)


@meta_command("ns", syntax="\\ns NAME QUERY", group=GROUP, help="save a named query")
def cmd_save(call: MetaCall) -> MetaStatus:
    name, query = call.args.next(), call.args.rest_of_line()
    if not name or not query:
        call.session.warn("\\ns: missing required argument")
        return MetaStatus.ERROR
    queries = load()
    queries[name] = query
    save(queries)
    _say(call, "Saved.")
    return MetaStatus.SKIP_LINE


@meta_command("nd", syntax="\\nd NAME", group=GROUP, help="delete a named query")
def cmd_delete(call: MetaCall) -> MetaStatus:
    name = call.args.next()
    if not name:
        call.session.warn("\\nd: missing required argument")
        return MetaStatus.ERROR
    queries = load()
    if queries.pop(name, None) is None:
        call.session.warn(f'named query "{name}" does not exist')
        return MetaStatus.ERROR
    save(queries)
    _say(call, "Deleted.")
    return MetaStatus.SKIP_LINE


@meta_command("n", syntax="\\n [NAME [ARGS ...]]", group=GROUP,
              help="run a named query (without NAME: list them)")
def cmd_run(call: MetaCall) -> MetaStatus | Result:
    name = call.args.next()
    queries = load()
    if name is None:
        return Result([Column("Name"), Column("Query")],
                      [[n, q] for n, q in sorted(queries.items())], title="Named queries")
    args = []
    while (arg := call.args.next()) is not None:
        args.append(arg)
    if name not in queries:
        call.session.warn(f'named query "{name}" does not exist')
        return MetaStatus.ERROR
    try:
        text = substitute(queries[name], args)
    except ValueError as exc:
        call.session.warn(f'{exc} for named query "{name}"')
        return MetaStatus.ERROR
    _say(call, f"> {text}")
    return MetaStatus.SKIP_LINE if call.session.run_sql(text) else MetaStatus.ERROR


def _say(call: MetaCall, text: str) -> None:
    if not call.session.quiet:
        call.session.stdout.write(text + "\n")
        call.session.stdout.flush()
