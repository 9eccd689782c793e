"""The embedded OpenProject-compatible demo server: `start_demo_server()` runs it in a thread.

It is an independent implementation of the API v3 spec that the rest of optui reaches only over
HTTP, like any other OpenProject instance.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import secrets
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from optui.demo.faults import Faults

KEY_FILE = "api-key"
DB_FILE = "demo.sqlite3"


def new_api_key() -> str:
    """Keys look like recent OpenProject ones, so Basic and Bearer are both realistic."""
    return "opapi-" + secrets.token_hex(20)


def load_or_create_key(data_dir: Path) -> str:
    """The key stored in the data dir (0600), made on first start."""
    path = data_dir / KEY_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    key = new_api_key()
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


@dataclass
class DemoServer:
    """A demo server running in a thread; `stop()` ends it (tests simulate a dead server)."""

    url: str
    api_key: str
    data_dir: Path | None
    _ready: threading.Event = field(repr=False, default_factory=threading.Event)
    _failure: list[BaseException] = field(repr=False, default_factory=list)
    _thread: threading.Thread | None = field(repr=False, default=None)
    _server: Any = field(repr=False, default=None)
    _stopping: bool = field(repr=False, default=False)

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Block until the server accepts requests; RuntimeError if it could not start."""
        self._ready.wait(timeout)
        if self._failure or self._server is None or not self._server.started:
            cause = self._failure[0] if self._failure else "it did not start in time"
            raise RuntimeError(f"the demo server did not start: {cause}")

    def stop(self) -> None:
        self._stopping = True
        if self._server is not None:
            self._server.should_exit = True
            self._server.force_exit = True  # do not wait for hanging requests
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None


def open_store(
    data_dir: Path | None,
    *,
    reset: bool = False,
    seed_size: str = "normal",
    today: dt.date | None = None,
) -> object:
    """The demo's store, seeded when new or when `reset` is asked."""
    from optui.demo.seed import SEED_VERSION, seed
    from optui.demo.store import Store

    path = None if data_dir is None else data_dir / DB_FILE
    store = Store(path)
    if reset:
        store.clear()
    if store.count("projects") and store.meta("seed_version") != SEED_VERSION:
        store.clear()  # data from an older demo: its shape may no longer match the server
    if store.count("projects") == 0:
        seed(store, today or dt.date.today(), seed_size)
    return store


def build_demo_app(
    data_dir: Path | None,
    api_key: str,
    *,
    reset: bool = False,
    seed_size: str = "normal",
    today: dt.date | None = None,
) -> Starlette:
    """The ASGI app over a (possibly in-memory) store; for in-process tests and the server."""
    from optui.demo.app import build_app
    from optui.demo.model import Demo
    from optui.demo.store import Store

    store = open_store(data_dir, reset=reset, seed_size=seed_size, today=today)
    assert isinstance(store, Store)
    demo = Demo(store=store, api_key=api_key)
    if today is not None:
        fixed = today
        demo.today = lambda: fixed
    return build_app(demo)


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


def listen_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def start_demo_server(
    data_dir: Path | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    api_key: str | None = None,
    reset: bool = False,
    seed_size: str = "normal",
    today: dt.date | None = None,
    wait: bool = True,
    faults: Faults | None = None,
) -> DemoServer:
    """Start the server in a daemon thread.

    The socket is bound at once, so the URL is known before the app is built; with
    `wait=False` the caller may do other work (import the UI) while the server opens its
    data, and calls `wait_ready()` before the first request.
    """
    key = api_key or (new_api_key() if data_dir is None else load_or_create_key(data_dir))
    sock = bind_socket(host, port)
    handle = DemoServer(url=listen_url(sock), api_key=key, data_dir=data_dir)

    def run() -> None:
        try:
            import uvicorn

            app: Any = build_demo_app(data_dir, key, reset=reset, seed_size=seed_size, today=today)
            if faults is not None:
                from optui.demo.faults import FaultInjector

                app = FaultInjector(app, faults)
            config = uvicorn.Config(
                app,
                log_level="warning",
                access_log=False,
                lifespan="off",
            )
            handle._server = server = uvicorn.Server(config)
            if handle._stopping:
                return

            async def serve() -> None:
                task = asyncio.create_task(server.serve(sockets=[sock]))
                # uvicorn exposes `started` as a plain flag, with no event to wait on
                while not server.started and not task.done():  # noqa: ASYNC110
                    await asyncio.sleep(0.005)
                handle._ready.set()
                await task

            asyncio.run(serve())
        except Exception as error:  # reported to the caller by wait_ready()
            handle._failure.append(error)
        finally:
            handle._ready.set()
            sock.close()

    handle._thread = threading.Thread(target=run, name="optui-demo-server", daemon=True)
    handle._thread.start()
    if wait:
        handle.wait_ready()
    return handle


def serve_foreground(
    data_dir: Path,
    *,
    host: str,
    port: int,
    api_key: str | None,
    seed_size: str = "normal",
    reset: bool = False,
    print_line: object = print,
    faults: Faults | None = None,
    sock: socket.socket | None = None,
    exit_with_stdin: bool = False,
) -> None:
    """`optui demo-server`: print the URL and key, then serve until interrupted.

    `sock`: serve this listening socket (handed over by a parent) instead of binding one;
    `exit_with_stdin`: stop when stdin reaches its end (the parent closed it, or ended).
    """
    import uvicorn

    key = api_key or load_or_create_key(data_dir)
    listening = sock or bind_socket(host, port)
    app: Any = build_demo_app(data_dir, key, reset=reset, seed_size=seed_size)
    if faults is not None:
        from optui.demo.faults import FaultInjector

        app = FaultInjector(app, faults)
    show = print_line if callable(print_line) else print
    show(f"optui demo server on {listen_url(listening)}", flush=True)
    show(f"API key: {key}", flush=True)
    show(f"data: {data_dir}", flush=True)
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=3,  # a hanging request (--hang) must not hold a stop
    )
    server = uvicorn.Server(config)
    if exit_with_stdin:
        import sys

        def watch() -> None:
            with contextlib.suppress(OSError, ValueError):
                while sys.stdin.buffer.read(4096):
                    pass
            server.should_exit = True

        threading.Thread(target=watch, name="optui-demo-parent", daemon=True).start()
    server.run(sockets=[listening])
