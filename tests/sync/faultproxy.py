"""A fault-injecting TCP proxy on 127.0.0.1 for the sync tests and the benchmark (asyncio, bounded).

``FaultProxy(host, port, cut_after=..., delay_ms=..., rate_bytes_per_s=...)`` listens on a free loopback
port in a background thread and forwards each connection to ``host:port``:

- ``cut_after()`` is asked once per connection for the number of bytes (both directions together) after
  which the connection is cut (both ends reset, as a line dropping would); None leaves it whole.
  ``random_cuts`` gives such a function: a bounded number of cuts at offsets from a seeded RNG;
- ``delay_ms`` delays every piece of data by that much (latency: pieces still flow one behind another);
- ``rate_bytes_per_s`` throttles each direction of a connection (8,000 is a 64 kbit/s line).

Everything is bounded: at most ``max_connections`` at once, reads of ``read_size`` bytes, at most
``queue_pieces`` pieces in flight per direction. Counters: ``bytes_up`` (towards the target),
``bytes_down``, ``cuts``, ``connections``.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading
from collections.abc import Callable
from types import TracebackType

CutAfter = Callable[[], int | None]


def random_cuts(seed: int, count: int, low: int, high: int) -> CutAfter:
    """Cuts the first ``count`` connections after a random number of bytes in [low, high]; later ones not."""
    rng = random.Random(seed)
    left = [count]

    def cut_after() -> int | None:
        if left[0] <= 0:
            return None
        left[0] -= 1
        return rng.randint(low, high)

    return cut_after


class _Connection:
    def __init__(self, proxy: FaultProxy, budget: int | None,
                 writers: tuple[asyncio.StreamWriter, asyncio.StreamWriter]) -> None:
        self.proxy, self.left, self.writers = proxy, budget, writers
        self.tasks: list[asyncio.Task[None]] = []
        self.done = False

    def reset(self, *, cut: bool) -> None:
        """Resets both ends (a cut, or passing on a reset from one end) and stops forwarding."""
        if self.done:
            return
        self.done = True
        if cut:
            self.proxy.cuts += 1
        for writer in self.writers:
            writer.transport.abort()
        current = asyncio.current_task()
        for task in self.tasks:
            if task is not current:
                task.cancel()


class FaultProxy:
    def __init__(self, target_host: str, target_port: int, *, cut_after: CutAfter | None = None,
                 delay_ms: float = 0.0, rate_bytes_per_s: int | None = None, max_connections: int = 32,
                 read_size: int = 16 * 1024, queue_pieces: int = 16) -> None:
        if rate_bytes_per_s is not None and rate_bytes_per_s <= 0:
            raise ValueError("rate_bytes_per_s must be positive")
        self.target_host, self.target_port = target_host, target_port
        self.cut_after, self.delay = cut_after, max(0.0, delay_ms) / 1000
        self.rate, self.max_connections = rate_bytes_per_s, max_connections
        self.read_size, self.queue_pieces = read_size, queue_pieces
        self.host, self.port = "127.0.0.1", 0
        self.bytes_up = self.bytes_down = self.cuts = self.connections = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # ---- life ----------------------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                self._server = loop.run_until_complete(asyncio.start_server(self._handle, self.host, 0))
                self.port = int(self._server.sockets[0].getsockname()[1])
            except BaseException as exc:  # reported to start()
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="fault-proxy", daemon=True)
        self._thread.start()
        if not ready.wait(10) or failure:
            self._thread.join(5)
            loop.close()
            self._loop = None
            raise RuntimeError(f"the fault proxy did not start: {failure[0] if failure else 'timeout'}")
        return self

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(self._close(), loop).result(10)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
            if not thread.is_alive():
                loop.close()
            self._loop = self._thread = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    # ---- forwarding ----------------------------------------------------------------------------------

    async def _handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        if len(self._handlers) >= self.max_connections:
            client_writer.transport.abort()
            return
        self._handlers.add(task)
        self.connections += 1
        connection: _Connection | None = None
        try:
            try:
                upstream_reader, upstream_writer = await asyncio.wait_for(
                    asyncio.open_connection(self.target_host, self.target_port), 10)
            except (OSError, TimeoutError):
                client_writer.transport.abort()
                return
            budget = self.cut_after() if self.cut_after is not None else None
            connection = _Connection(self, budget, (client_writer, upstream_writer))
            connection.tasks = [
                asyncio.create_task(self._forward(connection, client_reader, upstream_writer, up=True)),
                asyncio.create_task(self._forward(connection, upstream_reader, client_writer, up=False))]
            await asyncio.gather(*connection.tasks, return_exceptions=True)
        finally:
            if connection is not None:
                for inner in connection.tasks:
                    inner.cancel()
                for writer in connection.writers:
                    writer.close()
            else:
                client_writer.close()
            self._handlers.discard(task)

    async def _forward(self, connection: _Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                       *, up: bool) -> None:
        loop = asyncio.get_running_loop()
        pieces: asyncio.Queue[tuple[float, bytes | None]] = asyncio.Queue(self.queue_pieces)

        async def receive() -> None:
            try:
                while True:
                    data = await reader.read(self.read_size)
                    await pieces.put((loop.time() + self.delay, data))
                    if not data:
                        return
            except (ConnectionError, OSError):
                await pieces.put((loop.time(), None))  # passed on as a reset

        receiver = asyncio.create_task(receive())
        slice_size = max(256, self.rate // 20) if self.rate else self.read_size
        free_at = loop.time()
        try:
            while True:
                due, data = await pieces.get()
                if data is None:
                    connection.reset(cut=False)
                    return
                if not data:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                if (wait := due - loop.time()) > 0:
                    await asyncio.sleep(wait)
                for start in range(0, len(data), slice_size):
                    piece = data[start:start + slice_size]
                    if self.rate:
                        free_at = max(free_at, loop.time())
                        if (wait := free_at - loop.time()) > 0:
                            await asyncio.sleep(wait)
                        free_at += len(piece) / self.rate
                    if connection.left is not None and len(piece) >= connection.left:
                        piece = piece[:connection.left]
                        writer.write(piece)
                        self._count(len(piece), up=up)
                        connection.reset(cut=True)
                        return
                    writer.write(piece)
                    await writer.drain()
                    self._count(len(piece), up=up)
                    if connection.left is not None:
                        connection.left -= len(piece)
        except (ConnectionError, OSError):
            connection.reset(cut=False)
        finally:
            receiver.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionError, OSError):
                await receiver

    def _count(self, n: int, *, up: bool) -> None:
        if up:
            self.bytes_up += n
        else:
            self.bytes_down += n
