"""Parallel scans: the foreign-table scans of one query level that run on different servers
are fetched at the same time, not one after another.

When the executor first asks one scan of a FROM clause for its rows, every other scan of that
FROM clause that has not run yet and depends on no other scan (none of its join keys come
from a partner: :mod:`fdwsh.exec.dynamic_filter`) starts too, one thread per server (a
server's scans share its one connection, so they run in turn there).  The threads only wait
for and read rows; connections are taken from the session's cache beforehand, in the calling
thread.  Ctrl-C or an error in one scan cancels the others on their servers; the first error
(in FROM order) is raised once all have stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any

from fdwsh.remote import errors as rerr

if TYPE_CHECKING:
    from fdwsh.exec.from_foreign import ForeignScan
    from fdwsh.plan.scan_filters import ScanPlan

#: Seconds between cancel requests while waiting for cancelled scans to stop.
CANCEL_RETRY = 0.5


def prefetch_level(scan: ForeignScan, plan: ScanPlan, services: Any) -> None:
    """Fetch ``scan``'s independent siblings on other servers along with it (if any)."""
    level = plan.levels.get(scan.node_id)
    siblings = [s for node, s in plan.scans.items()
                if plan.levels.get(node) == level and s.fetched is None and s.keys is None]
    by_server: dict[str, list[ForeignScan]] = {}
    for sibling in siblings:
        by_server.setdefault(sibling.server, []).append(sibling)
    if len(by_server) < 2 or scan not in siblings:
        return
    from fdwsh.exec.services import connection_cache

    cache = connection_cache(services)
    conns = {server: cache.get(server) for server in by_server}
    run_parallel([_fetcher(conns[server], scans) for server, scans in by_server.items()],
                 list(conns.values()))


def _fetcher(conn: Any, scans: list[ForeignScan]) -> Callable[[], None]:
    def fetch() -> None:
        for scan in scans:
            scan.fetched = list(scan.fetch_on(conn, scan.sql))
    return fetch


def run_parallel(jobs: list[Callable[[], None]], conns: list[Any]) -> None:
    """Run the jobs in threads; on Ctrl-C or a failure, cancel every connection's command."""
    with ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="fdwsh-scan") as pool:
        futures = [pool.submit(job) for job in jobs]
        try:
            done, pending = wait(futures, return_when=FIRST_EXCEPTION)
            if pending:
                _cancel_until_done(pending, conns)
        except KeyboardInterrupt as interrupt:
            _cancel_until_done(futures, conns)
            raise rerr.query_canceled(interrupt) from None
    for future in futures:
        future.result()  # the first error, in FROM order


def _cancel_until_done(futures: Any, conns: list[Any]) -> None:
    pending: set[Future[None]] = set(futures)
    while pending:
        for conn in conns:
            conn.cancel()
        _, pending = wait(pending, timeout=CANCEL_RETRY)
