"""A throwaway PostgreSQL server for tests and benchmarks: ``initdb`` in a temporary folder, listening on a
free loopback port (and a socket in that folder), stopped and removed at the end.

PostgreSQL refuses to run as root; when this process is root the server runs as the ``postgres`` user
(or ``nobody``) through ``runuser``, and the temporary folder is handed to that user.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

FAST_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")
# Stops the server and removes its folder once the process that started it is gone, however it ended
# (a test run killed by a timeout runs no atexit handlers). argv: parent pid, folder, then pg_ctl stop.
WATCHDOG = """
import os, shutil, subprocess, sys, time
parent, root, command = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
while True:
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        break
    except PermissionError:
        pass
    time.sleep(1)
subprocess.run(command, capture_output=True, timeout=120)
shutil.rmtree(root, ignore_errors=True)
"""
SERVER_USERS = ("postgres", "nobody")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def find_bindir() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl``: POSTAPP_PG_BINDIR, else from PATH, else the newest
    /usr/lib/postgresql/*/bin (Debian and Ubuntu keep the server binaries there, off PATH)."""
    override = os.environ.get("POSTAPP_PG_BINDIR")  # when set, the only place looked at
    if override:
        folder = Path(override)
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
        raise PostgresUnavailable(f"no initdb and pg_ctl in POSTAPP_PG_BINDIR={override}")
    candidates: list[Path] = []
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(found).resolve().parent)
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: _version(p), reverse=True)
    candidates += [Path(p) for p in versions]
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    raise PostgresUnavailable("PostgreSQL server binaries (initdb, pg_ctl) not found; install postgresql")


def _version(path: str) -> int:
    name = Path(path).parent.name
    return int(name) if name.isdigit() else 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_user() -> str | None:
    """None when this process may run PostgreSQL itself; else the unprivileged user to run it as."""
    if os.geteuid() != 0:
        return None
    for name in SERVER_USERS:
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise PostgresUnavailable("running as root and there is no 'postgres' or 'nobody' user to run PostgreSQL as")


@dataclass
class TempPostgres:
    """``start()`` → a running server; ``url(db)`` → its SQLAlchemy URL; ``stop()`` removes everything."""

    fast: bool = True  # fsync off: for tests; a benchmark may want the defaults
    port: int = 0
    root: Path | None = None
    bindir: Path = field(default_factory=find_bindir)
    user: str | None = field(default_factory=_server_user)
    _running: bool = False
    _watchdog: subprocess.Popen[bytes] | None = None

    @property
    def data(self) -> Path:
        assert self.root is not None
        return self.root / "data"

    @property
    def log(self) -> Path:
        assert self.root is not None
        return self.root / "server.log"

    def _run(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        command = self._command(*args)
        # LC_ALL=C: initdb takes its locale from the environment, which may name one not installed.
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=False)
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:1])} failed ({result.returncode}): "
                               f"{result.stderr.strip() or result.stdout.strip()}\n{self._log_tail()}")
        return result

    def _log_tail(self) -> str:
        try:
            return "server log:\n" + "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return ""

    def start(self) -> TempPostgres:
        self.root = Path(tempfile.mkdtemp(prefix="postapp-pg-"))
        sockets = self.root / "sock"
        sockets.mkdir()
        if self.user is not None:
            info = pwd.getpwnam(self.user)
            for path in (self.root, sockets):
                os.chown(path, info.pw_uid, info.pw_gid)
        atexit.register(self.stop)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        settings = FAST_SETTINGS if self.fast else ()
        for attempt in range(3):
            self.port = free_port()
            options = " ".join([f"-p {self.port}", f"-k {sockets}", "-h 127.0.0.1", "-c max_connections=60",
                                *(f"-c {s}" for s in settings)])
            result = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60",
                               "start", check=attempt == 2)
            if result.returncode == 0:
                self._running = True
                self._watch()
                break
            time.sleep(0.2)  # the port was taken in between: try another
        return self

    def _command(self, *args: str) -> list[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        return ["runuser", "-u", self.user, "--", *command] if self.user is not None else command

    def _watch(self) -> None:
        import sys

        assert self.root is not None
        stop = self._command("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "-t", "60", "stop")
        self._watchdog = subprocess.Popen([sys.executable, "-c", WATCHDOG, str(os.getpid()), str(self.root), *stop],
                                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, start_new_session=True)

    def stop(self) -> None:
        if self._watchdog is not None:
            self._watchdog.kill()
            self._watchdog.wait()
            self._watchdog = None
        if self.root is None:
            return
        if self._running:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop", check=False)
            self._running = False
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None
        atexit.unregister(self.stop)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def conninfo(self, database: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={database}"

    def create_database(self, name: str, *, template: str | None = None) -> str:
        """Creates database ``name`` (a plain identifier) and returns its URL."""
        import psycopg

        if not name.replace("_", "").isalnum():
            raise ValueError(name)
        clause = f" TEMPLATE {template}" if template else ""
        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}{clause}")
        return self.url(name)

    def drop_database(self, name: str) -> None:
        import psycopg

        if not name.replace("_", "").isalnum():
            raise ValueError(name)
        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
