"""Runs work in a child process that SIGKILLs itself just before its N-th database event.

The child is forked from the test process (the modules are already imported, so a child costs
milliseconds, not the two seconds of a fresh interpreter) and uses nothing of the parent's but code:
it opens its own store. An event is every SQL statement the app sends (``before_cursor_execute``)
every commit (``commit``, fired before SQLite commits) and every session's ``after_commit`` (the
commit has reached the file; a kill there must keep all of it), so a kill point is deterministic: the
same N stops the same work at the same place on every run. A full run (``kill_at=0``) lists the
events, from which the tests choose their points.
"""

from __future__ import annotations

import os
import signal
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Report = Callable[[str], None]


@dataclass
class ChildRun:
    killed: bool
    exit_code: int | None
    lines: list[str]  # what the child reported (``report``), then "event N KIND" lines on a full run

    @property
    def events(self) -> list[str]:
        return [line.split(" ", 2)[2] for line in self.lines if line.startswith("event ")]

    @property
    def reports(self) -> list[str]:
        return [line for line in self.lines if not line.startswith("event ")]


def _child(action: Callable[[Report], None], kill_at: int, out: int) -> None:
    from sqlalchemy import Engine, event
    from sqlalchemy.orm import Session

    count = 0
    kinds: list[str] = []

    def report(text: str) -> None:
        os.write(out, (text + "\n").encode())  # unbuffered: whatever was written survives the kill

    def tick(kind: str) -> None:
        nonlocal count
        count += 1
        if count == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        if kill_at == 0:
            kinds.append(kind)

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        tick(statement.split(None, 1)[0].upper())

    def on_commit(_conn: Any) -> None:
        tick("COMMIT")

    event.listen(Engine, "before_cursor_execute", on_statement)
    event.listen(Engine, "commit", on_commit)
    event.listen(Session, "after_commit", lambda _session: tick("COMMITTED"))
    action(report)
    for number, kind in enumerate(kinds, start=1):
        report(f"event {number} {kind}")


def run_child(action: Callable[[Report], None], kill_at: int = 0) -> ChildRun:
    """Runs ``action`` in a forked child killed at event ``kill_at`` (0: never)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read_end)
        code = 0
        try:
            _child(action, kill_at, write_end)
        except BaseException:
            os.write(write_end, ("error " + traceback.format_exc().replace("\n", " | ") + "\n").encode())
            code = 3
        os._exit(code)
    os.close(write_end)
    chunks = []
    with os.fdopen(read_end, "rb") as pipe:
        while chunk := pipe.read(65536):
            chunks.append(chunk)
    _pid, status = os.waitpid(pid, 0)
    lines = b"".join(chunks).decode().splitlines()
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    return ChildRun(killed, os.WEXITSTATUS(status) if os.WIFEXITED(status) else None, lines)


def kill_points(events: list[str], count: int) -> list[int]:
    """About ``count`` event numbers: every commit, the last event, and statements spread evenly over the
    rest, writes first."""
    commits = [i for i, kind in enumerate(events, start=1) if kind in ("COMMIT", "COMMITTED")]
    chosen = set(commits[-(count // 3):]) if commits else set()
    chosen.add(len(events))
    rest = [i for i in range(1, len(events) + 1) if i not in chosen]
    writes = [i for i in rest if events[i - 1] in ("INSERT", "UPDATE", "DELETE", "DROP", "CREATE")]
    pool = writes if len(writes) >= count - len(chosen) else rest
    wanted = max(count - len(chosen), 0)
    if pool and wanted:
        step = len(pool) / wanted
        chosen.update(pool[min(int(k * step + step / 2), len(pool) - 1)] for k in range(wanted))
    return sorted(chosen)
