"""A loopback TCP proxy that injects network faults between fdwsh and a real PostgreSQL.

Point a server's ``port`` option at :attr:`FaultProxy.port` and the proxy forwards every
connection to the cluster's port, until a test says otherwise:

- :meth:`pause` stops forwarding in both directions and keeps every socket open (a stalled
  network: nothing arrives, nothing fails); new connections are accepted and stall too;
  :meth:`resume` forwards again, what was held back included.
- :meth:`drop` closes every connection at once (both sides: the client sees its server gone,
  the backend sees its client gone and rolls back).
- :meth:`refuse` closes the listening socket (connection refused) until :meth:`accept`.
- :meth:`arm` sets a trip-wire: after ``nbytes`` more bytes in one direction (``down``: server to
  client, ``up``: client to server), or when a byte string is about to pass upwards, the proxy
  pauses or drops *before* forwarding that chunk — so a fault lands mid-scan, mid-COPY or on the
  COMMIT deterministically, without sleeping and hoping.

One thread runs a selector loop over all sockets (psycopg's own tests use such a proxy to
simulate a lost server).  Use as a context manager; :meth:`close` stops the thread.
"""

from __future__ import annotations

import contextlib
import select
import selectors
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, fdwsh_env, run_fdwsh

CHUNK = 65536
#: What the abort cleanup (postgres_fdw's, and fdwsh's) says of a connection found lost.
LOST = "WARNING:  no connection to the server\n"


@dataclass
class _Pair:
    """One proxied connection: the client's socket and ours to the server."""

    client: socket.socket
    server: socket.socket
    #: Bytes received but not forwarded yet, per receiving socket (held while paused).
    pending: dict[socket.socket, bytearray] = field(default_factory=dict)

    def peer(self, sock: socket.socket) -> socket.socket:
        return self.server if sock is self.client else self.client


@dataclass
class _Wire:
    """A trip-wire (see :meth:`FaultProxy.arm`)."""

    action: str  # "pause" or "drop"
    direction: str  # "down" or "up"
    nbytes: int | None
    pattern: bytes | None
    tripped: threading.Event = field(default_factory=threading.Event)


class FaultProxy:
    """Forward 127.0.0.1:``port`` to ``target_host``:``target_port`` (module docstring)."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self._lock = threading.Lock()
        self._selector = selectors.DefaultSelector()
        self._pairs: list[_Pair] = []
        self._paused = False
        self._wire: _Wire | None = None
        self._stop = False
        self._listener: socket.socket | None = None
        self.port = 0
        self._listen()
        self._thread = threading.Thread(target=self._loop, name="fault-proxy", daemon=True)
        self._thread.start()

    # -- controls (any thread) ---------------------------------------------------------------

    def pause(self) -> None:
        with self._lock:
            self._paused = True

    def resume(self) -> None:
        with self._lock:
            self._paused = False

    def drop(self) -> None:
        """Close every proxied connection now."""
        with self._lock:
            for pair in list(self._pairs):
                self._close_pair(pair)

    def refuse(self) -> None:
        """New connections are refused (the listening socket is closed) until :meth:`accept`."""
        with self._lock:
            if self._listener is not None:
                self._selector.unregister(self._listener)
                self._listener.close()
                self._listener = None

    def accept(self) -> None:
        """Listen again, on the same port, after :meth:`refuse`."""
        with self._lock:
            if self._listener is None:
                self._listen()

    def arm(self, action: str, *, direction: str = "down", nbytes: int | None = None,
            pattern: bytes | None = None) -> threading.Event:
        """Pause or drop once ``nbytes`` more bytes went ``direction``, or when ``pattern``
        is about to go up; the returned event is set when the wire trips."""
        assert action in ("pause", "drop") and direction in ("down", "up")
        assert (nbytes is None) != (pattern is None)
        wire = _Wire(action, "up" if pattern is not None else direction, nbytes, pattern)
        with self._lock:
            self._wire = wire
        return wire.tripped

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._pairs)

    def wait_for_connections(self, count: int, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while self.connections < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.connections} connections through the proxy, "
                                   f"waited for {count}")
            time.sleep(0.02)

    def close(self) -> None:
        self._stop = True
        self._thread.join(5)
        self.drop()
        self.refuse()
        self._selector.close()

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the loop (proxy thread) -------------------------------------------------------------

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.setblocking(False)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._selector.register(listener, selectors.EVENT_READ, None)

    def _loop(self) -> None:
        while not self._stop:
            with self._lock:
                paused, listener = self._paused, self._listener
            if paused:  # only accept: the held sockets stay readable, selecting them would spin
                if listener is not None and select.select([listener], [], [], 0.05)[0]:
                    with self._lock:
                        self._accept_one(listener)
                else:
                    time.sleep(0.02)
                continue
            for key, _ in self._selector.select(0.05):
                with self._lock:
                    self._event(key.fileobj, key.data)  # type: ignore[arg-type]
            with self._lock:
                if not self._paused:
                    self._flush_pending()

    def _event(self, sock: socket.socket, pair: _Pair | None) -> None:
        if pair is None:
            if sock is self._listener:
                self._accept_one(sock)
            return
        if pair not in self._pairs or self._paused:
            return
        try:
            data = sock.recv(CHUNK)
        except OSError:
            data = b""
        if not data:
            self._close_pair(pair)
            return
        direction = "up" if sock is pair.client else "down"
        if self._trip(direction, data):
            if pair in self._pairs:  # paused: hold the chunk until resume()
                pair.pending.setdefault(sock, bytearray()).extend(data)
            return
        self._send(pair, pair.peer(sock), data)

    def _accept_one(self, listener: socket.socket) -> None:
        try:
            client, _ = listener.accept()
        except (OSError, ValueError):  # closed by refuse() meanwhile
            return
        try:
            server = socket.create_connection(self.target, timeout=5)
        except OSError:
            client.close()
            return
        pair = _Pair(client, server)
        for sock in (client, server):
            sock.setblocking(True)
            self._selector.register(sock, selectors.EVENT_READ, pair)
        self._pairs.append(pair)

    def _trip(self, direction: str, data: bytes) -> bool:
        """Count ``data`` against the trip-wire; True when it tripped (the chunk is held)."""
        wire = self._wire
        if wire is None or wire.direction != direction:
            return False
        if wire.pattern is not None:
            hit = wire.pattern in data
        else:
            assert wire.nbytes is not None
            wire.nbytes -= len(data)
            hit = wire.nbytes < 0
        if not hit:
            return False
        self._wire = None
        if wire.action == "pause":
            self._paused = True
        else:
            for pair in list(self._pairs):
                self._close_pair(pair)
        wire.tripped.set()
        return True

    def _flush_pending(self) -> None:
        for pair in list(self._pairs):
            for sock, data in list(pair.pending.items()):
                del pair.pending[sock]
                self._send(pair, pair.peer(sock), bytes(data))

    def _send(self, pair: _Pair, to: socket.socket, data: bytes) -> None:
        try:
            to.sendall(data)
        except OSError:
            self._close_pair(pair)

    def _close_pair(self, pair: _Pair) -> None:
        if pair not in self._pairs:
            return
        self._pairs.remove(pair)
        for sock in (pair.client, pair.server):
            with contextlib.suppress(KeyError, ValueError):
                self._selector.unregister(sock)
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()



class PipedShell:
    """A running fdwsh reading its script from a pipe, driven one statement at a time, so a
    test can inject a fault between (or during) statements of one session."""

    MARK = "@@done@@"

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        from pexpect.popen_spawn import PopenSpawn

        self.child = PopenSpawn(command, env=env, encoding="utf-8", timeout=30)

    def run(self, sql: str, timeout: float = 30) -> tuple[str, float]:
        """Send ``sql`` (statements and data lines); its output (stderr merged) and seconds."""
        started = time.monotonic()
        self.child.send(sql.rstrip("\n") + f"\n\\echo {self.MARK}\n")
        self.child.expect_exact(self.MARK + "\n", timeout=timeout)
        return self.child.before, time.monotonic() - started

    def close(self) -> int | None:
        self.child.sendeof()
        return self.child.wait()


def fdwsh_shell(catalog: Path, **env: str) -> PipedShell:
    """fdwsh on ``catalog`` (local user postgres) as a :class:`PipedShell`."""
    return PipedShell(fdwsh_command(catalog), {**fdwsh_env(), "PYTHONPATH": str(ROOT), **env})


def fdwsh_command(catalog: Path) -> list[str]:
    return [sys.executable, "-m", "fdwsh", "-X", "-U", "postgres", "--catalog", str(catalog)]


def declare_both(pg: Any, oracle_db: str, ddl: str, catalog: Path) -> None:
    """Run the same postgres_fdw DDL in a fresh oracle database of ``pg`` and in a new fdwsh
    catalog, so psql + postgres_fdw and fdwsh see the same servers and foreign tables."""
    pg.psql(f'DROP DATABASE IF EXISTS "{oracle_db}" WITH (FORCE)', check=True)
    pg.create_database(oracle_db)
    pg.psql(ddl, oracle_db, "-q", "-v", "ON_ERROR_STOP=1", check=True)
    made = run_fdwsh("-X", "-q", "-U", "postgres", "-v", "ON_ERROR_STOP=1", input=ddl,
                     catalog=catalog)
    assert made.returncode == 0 and not made.stdout, made.stdout
