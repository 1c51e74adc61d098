"""The interactive dashboard: a small local HTTP server (standard library only) over the library.

``valuechain serve`` starts it on 127.0.0.1. It serves the dashboard page (``static/dashboard.html``,
with Plotly's JavaScript from the installed ``plotly`` package, so it works offline), the last built
report under ``/report/``, and a JSON API whose routes (:mod:`valuechain.app.routes`) call the same
library functions as the CLI. Like datasette, the page is a thin view over a JSON API.

The API behaves like the CLI: every answer is JSON with ``schema_version`` and ``sources``; errors are
``{"error": one sentence, "status": code}`` with the HTTP status (400 bad input, 404 unknown route,
405 other methods than GET/HEAD, 500 a bug); unknown query parameters and out-of-range values are
refused, not ignored or clamped; user values are echoed at most :data:`ECHO_LIMIT` characters long. The
slow payloads (catalogue, lineage) are computed once, in a background warm-up and single-flight.
"""

from __future__ import annotations

import errno
import json
import mimetypes
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from valuechain.errors import InputError, ValuechainError
from valuechain.output import dumps, envelope

#: The longest user value echoed back in an error message (longer ones are cut, with their length).
ECHO_LIMIT = 60
#: The longest query value accepted at all (numbers, country codes, dates are far shorter).
VALUE_LIMIT = 200


def echo(value: str) -> str:
    """``value`` for an error message: whole if short, else its start and its length."""
    return value if len(value) <= ECHO_LIMIT else f"{value[:ECHO_LIMIT]}… ({len(value):,} characters)"


def _plotly_js() -> bytes:
    import plotly

    return (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()


class DashboardHandler(BaseHTTPRequestHandler):
    report_dir: Path | None = None
    server_version = "valuechain"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: no request log on stderr
        return

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send(
            status, dumps(envelope(payload), indent=None).encode(), "application/json; charset=utf-8", headers
        )

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._json(status, {"error": message, "status": status}, headers)

    def _refuse_method(self) -> None:
        self._error(
            405, f"The method {echo(self.command)} is not allowed; use GET (or HEAD).", {"Allow": "GET, HEAD"}
        )

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse_method  # noqa: N815 (http.server API)

    def do_HEAD(self) -> None:  # noqa: N802 (http.server API): as GET, without the body
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        url = urlparse(self.path)
        path = url.path
        if path in ("/", "/index.html"):
            page = resources.files("valuechain.app").joinpath("static/dashboard.html").read_bytes()
            self._send(200, page, "text/html; charset=utf-8")
        elif path == "/static/plotly.min.js":
            self._send(200, _plotly_js(), "application/javascript")
        elif path.startswith("/api/"):
            self._api(path[len("/api/") :], url.query)
        elif path.startswith("/report/") and self.report_dir is not None:
            self._serve_report(path[len("/report/") :] or "index.html")
        else:
            self._error(404, f"Nothing at {echo(path)}.")

    def _api(self, name: str, query: str) -> None:
        from valuechain.app.routes import ROUTES, allowed_parameters

        route = ROUTES.get(name)
        if route is None:
            self._error(404, f"No API route /api/{echo(name)}; the routes are {', '.join(sorted(ROUTES))}.")
            return
        try:
            raw = parse_qs(query, keep_blank_values=True, strict_parsing=bool(query), max_num_fields=50)
        except ValueError:
            self._error(400, f"The query string {echo(query)} cannot be parsed.")
            return
        allowed = allowed_parameters(name)
        for key, values in raw.items():
            if key not in allowed:
                choice = f"allowed: {', '.join(sorted(allowed))}" if allowed else "it takes none"
                self._error(400, f"Unknown query parameter {echo(key)!r} for /api/{name} ({choice}).")
                return
            if len(values) > 1:
                self._error(400, f"The query parameter {key!r} is given {len(values)} times; give it once.")
                return
            if len(values[0]) > VALUE_LIMIT:
                self._error(
                    400,
                    f"The value of {key!r} is {len(values[0]):,} characters long; at most "
                    f"{VALUE_LIMIT} are accepted.",
                )
                return
        params = {k: v[0] for k, v in raw.items()}
        try:
            self._json(200, route(params))
        except ValuechainError as exc:
            message = str(exc).replace("\n", " ")
            self._error(400, message if len(message) <= 400 else message[:400] + "…")
        except Exception as exc:  # a bug: say so in one sentence; the server keeps running
            self._error(500, f"Internal error ({type(exc).__name__}) in /api/{name}; please report it.")

    def _serve_report(self, relative: str) -> None:
        assert self.report_dir is not None
        root = self.report_dir.resolve()
        target = (root / relative).resolve()
        if root not in target.parents and target != root or not target.is_file():
            self._error(404, f"No report file {echo(relative)}; run 'valuechain report build' first.")
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self._send(200, target.read_bytes(), kind)


class DashboardServer(ThreadingHTTPServer):
    """``ThreadingHTTPServer`` with a listen backlog of 128 instead of socketserver's 5: with 20 clients at
    once a backlog of 5 drops connection attempts, which the client's TCP retries after a full second."""

    request_queue_size = 128
    daemon_threads = True


def make_server(
    host: str = "127.0.0.1", port: int = 8765, report_dir: Path | None = None, warm: bool = False
) -> ThreadingHTTPServer:
    """A dashboard server bound to ``host:port`` (port 0 picks a free one); call ``serve_forever``.

    A port outside 0–65535 or already in use is one sentence (:class:`InputError`). ``warm`` starts the
    cache warm-up (:func:`valuechain.app.routes.warm_up`) in a background thread; ``server.warmed`` is
    an event set when it is done."""
    if not 0 <= port <= 65535:
        raise InputError(f"The port {port} is not a TCP port; give one from 1 to 65535 (0 picks a free one).")
    handler = type("Handler", (DashboardHandler,), {"report_dir": report_dir})
    try:
        server = DashboardServer((host, port), handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise InputError(
                f"The port {port} on {host} is already in use; choose another with --port."
            ) from None
        raise InputError(f"Cannot listen on {host}:{port} ({exc.strerror or exc}).") from None
    server.daemon_threads = True
    warmed = threading.Event()
    server.warmed = warmed  # type: ignore[attr-defined]
    if warm:
        from valuechain.app.routes import warm_up

        def run() -> None:
            try:
                warm_up()
            except Exception:  # noqa: BLE001 - a failed warm-up is retried by the first request
                pass
            finally:
                warmed.set()

        threading.Thread(target=run, daemon=True, name="valuechain-warm-up").start()
    else:
        warmed.set()
    return server


def serve_in_thread(report_dir: Path | None = None, warm: bool = False) -> tuple[ThreadingHTTPServer, str]:
    """Start a server on a free loopback port in a daemon thread; return it and its base URL."""
    server = make_server(port=0, report_dir=report_dir, warm=warm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, base_url(server.server_address)


def base_url(server_address: tuple[str | bytes, int] | tuple[Any, ...] | str | bytes) -> str:
    """The ``http://host:port`` URL of a bound socket address.

    ``socketserver`` types the host as ``str | bytes``; a bytes host is decoded (formatting it directly
    would give ``http://b'127.0.0.1':port``) and an IPv6 literal is bracketed (RFC 3986 section 3.2.2).
    """
    if not isinstance(server_address, tuple) or len(server_address) < 2:
        raise ValueError(f"Not an (host, port) socket address: {server_address!r}.")
    host, port = server_address[0], server_address[1]
    host_text = host.decode("ascii") if isinstance(host, bytes) else str(host)
    if ":" in host_text and not host_text.startswith("["):
        host_text = f"[{host_text}]"
    return f"http://{host_text}:{int(port)}"


def api_index() -> str:
    from valuechain.app.routes import ROUTES

    return json.dumps(sorted(ROUTES))
