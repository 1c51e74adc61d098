"""The lifecycle every replay server of the tests shares: a threaded HTTP server on 127.0.0.1.

A replay server (OpenAlex/PatentsView in ``tests/connectors/scholarly_replay.py``; the Hub and GitHub
replays can use it too) subclasses :class:`LoopbackServer` and answers each ``GET`` in :meth:`handle_get`.
The port is chosen by the OS; ``with`` starts and stops it; :meth:`release` ends requests a test holds.
:func:`send` writes one answer, whole or cut short.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 (loopback only) that hands every ``GET`` to :meth:`handle_get`."""

    def __init__(self) -> None:
        self.released = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    def handle_get(self, handler: BaseHTTPRequestHandler) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def __enter__(self) -> Self:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                server.handle_get(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self.released.set()
        self._server.shutdown()
        self._server.server_close()

    def release(self) -> None:
        """Let the requests a test holds (``hang``/``kill`` faults) end."""
        self.released.set()

    @property
    def endpoint(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    headers: dict[str, str] | None = None,
    cut: int | None = None,
    length: bool = True,
    content_type: str = "application/json",
) -> None:
    """Answer ``handler`` with ``body``; ``cut`` sends only that many bytes (after promising all of them
    unless ``length=False``) and closes the connection: the truncation faults of every replay."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    if length:
        handler.send_header("Content-Length", str(len(body)))
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    if cut is not None or not length:
        handler.send_header("Connection", "close")
        handler.close_connection = True
    handler.end_headers()
    try:
        handler.wfile.write(body if cut is None else body[:cut])
        handler.wfile.flush()
    except (BrokenPipeError, ConnectionResetError):
        pass
