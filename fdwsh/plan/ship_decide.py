"""When to ship data: copy one join input to the other input's server and run the join there.

A query level that joins tables of two servers runs in fdwsh's executor by default: each
table's scan fetches its rows (as few as the pushed conditions and dynamic filtering leave),
and a local hash join combines them.  That is the right plan while one input is small.  When
both are large, every row of both crosses the wire and Python joins them; shipping copies the
smaller input (with the COPY protocol, into a temporary table) to the other server instead, so
that PostgreSQL runs the join — and whatever else the level does: filters, aggregates, ORDER BY,
LIMIT — with its own planner, spilling and parallel workers, and only the level's result
travels back.

The rule, from the cost model's estimate of each input (:func:`fdwsh.plan.cost.estimate_rows`
of the input's scan with its pushed conditions: ANALYZE statistics, else the remote server's
EXPLAIN; for several tables on one server, the largest of them):

0. Both inputs must have such an estimate: without one (the server cannot be reached to ask)
   the size is a guess, and a guess does not justify a copy.

1. ``\\set SHIP_THRESHOLD n`` (default :data:`DEFAULT_THRESHOLD` rows; 0 = never): both inputs
   must be estimated above ``n`` rows, else the local join is cheap enough.
2. Dynamic filtering cannot cut the large side: when the inputs are linked by an equi-join and
   the smaller one is estimated at most ``DYNAMIC_FILTER_LIMIT`` rows, its keys filter the other
   scan (:mod:`fdwsh.exec.dynamic_filter`), which moves fewer rows than a copy of either side.
3. The input copied is the smaller one of those that can be copied (a single foreign table);
   the level then reads only the other server's tables.

Beyond the rule, :mod:`fdwsh.exec.ship` ships only where the target server lets the remote user
create temporary tables and where that server can run the whole level.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Both inputs above this many estimated rows: ship (``\\set SHIP_THRESHOLD``).
DEFAULT_THRESHOLD = 200_000


@dataclass(frozen=True, slots=True)
class Input:
    """One side of the cross-server join, as the decision sees it."""

    label: str  # how EXPLAIN names it: ``s2.customers c``
    server: str
    rows: int  # the remote estimate
    copyable: bool  # a single foreign table (its rows can go into one temporary table)
    #: The rows come from statistics or the remote's EXPLAIN, not the cost model's default.
    known: bool = True


@dataclass(frozen=True, slots=True)
class Decision:
    """Which input to copy where (``ship`` None: the local join runs), and why."""

    ship: Input | None
    target: Input | None
    reason: str
    #: Both inputs were large, so the refusal is worth a line in EXPLAIN VERBOSE.
    noteworthy: bool = False


def decide(first: Input, second: Input, threshold: int, key_limit: int, linked: bool
           ) -> Decision:
    """The decision rule of the module docstring for the two inputs."""
    if threshold <= 0:
        return Decision(None, None, "SHIP_THRESHOLD is 0")
    guessed = [i.label for i in (first, second) if not i.known]
    if guessed:
        return Decision(None, None, f"no estimate of {' or '.join(guessed)} (no ANALYZE "
                                    "statistics, and the server gave none)")
    small, large = sorted((first, second), key=lambda i: i.rows)
    if small.rows <= threshold:
        return Decision(None, None, f"{small.label} is estimated at {small.rows} rows "
                                    f"(SHIP_THRESHOLD {threshold})")
    if linked and 0 < key_limit and small.rows <= key_limit:
        return Decision(None, None, f"dynamic filtering by the keys of {small.label} "
                                    f"({small.rows} rows estimated, DYNAMIC_FILTER_LIMIT "
                                    f"{key_limit}) cuts {large.label}", noteworthy=True)
    ship = next((i for i in (small, large) if i.copyable), None)
    if ship is None:
        return Decision(None, None, "neither input is a single foreign table", noteworthy=True)
    target = large if ship is small else small
    reason = (f"both inputs are estimated above SHIP_THRESHOLD {threshold} rows "
              f"({first.label}: {first.rows}, {second.label}: {second.rows})")
    if ship is small:
        reason += f"; {ship.label} is the smaller one"
    return Decision(ship, target, reason)


def threshold_setting(text: str | None) -> int:
    """``SHIP_THRESHOLD``'s value (unset or not a number: the default; negative: 0)."""
    try:
        return max(0, int(text)) if text is not None else DEFAULT_THRESHOLD
    except ValueError:
        return DEFAULT_THRESHOLD
