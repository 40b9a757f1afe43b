r"""``\watch [SEC]``: run the query buffer (or the previous query) every SEC seconds (psql 15).

Each run prints as a normal result whose title is the time and the interval (after the
``\pset title``, if one is set, and a tab), as psql's do_watch.  The loop ends when the query
fails or on Ctrl-C; then, as psql, one empty line.
"""

from __future__ import annotations

import re
import time

from fdwsh.meta.registry import MetaCall, MetaStatus, meta_command
from fdwsh.output.result import Result

DEFAULT_INTERVAL = 2.0
_NUMBER = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


@meta_command("watch", syntax="\\watch [SEC]", group="General",
              help="execute query every SEC seconds")
def cmd_watch(call: MetaCall) -> MetaStatus:
    session = call.session
    interval = _interval(call.args.next())
    text = session.scanner.take_buffer() or session.previous_query
    if not text:
        session.warn("\\watch cannot be used with an empty query")
        return MetaStatus.ERROR
    try:
        while _run_once(call, text, interval):
            time.sleep(interval)
    except KeyboardInterrupt:
        pass
    finally:
        session.capture = None
    session.stdout.write("\n")
    session.stdout.flush()
    return MetaStatus.SKIP_LINE


def _interval(arg: str | None) -> float:
    """psql: strtod of the argument; zero, negative or unreadable means one second."""
    if arg is None:
        return DEFAULT_INTERVAL
    match = _NUMBER.match(arg)
    value = float(match.group()) if match else 0.0
    return value if value > 0 else 1.0


def _run_once(call: MetaCall, text: str, interval: float) -> bool:
    session = call.session
    stamp = time.strftime("%a %b %e %H:%M:%S %Y")
    user_title = session.popt.title
    title = f"{stamp} (every {interval:g}s)\n"
    if user_title:
        title = f"{user_title}\t{title}"

    def show(result: Result) -> None:
        result.title = title
        session.capture = None
        try:
            session.print_result(result)
        finally:
            session.capture = show

    session.capture = show
    try:
        return session.run_sql(text)
    finally:
        session.capture = None
