"""The interactive dashboard: a small local HTTP server (standard library only) over the library.

``valuechain serve`` starts it on 127.0.0.1. It serves the dashboard page (``static/dashboard.html``,
with Plotly's JavaScript from the installed ``plotly`` package, so it works offline), the last built
report under ``/report/``, and a JSON API whose routes (:mod:`valuechain.app.routes`) call the same
library functions as the CLI. Like datasette, the page is a thin view over a JSON API.
"""

from __future__ import annotations

import json
import mimetypes
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from valuechain.errors import ValuechainError
from valuechain.output import dumps


def _plotly_js() -> bytes:
    import plotly

    return (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()


class DashboardHandler(BaseHTTPRequestHandler):
    report_dir: Path | None = None
    server_version = "valuechain"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: no request log on stderr
        return

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: Any) -> None:
        self._send(status, dumps(payload, indent=None).encode(), "application/json; charset=utf-8")

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        from valuechain.app.routes import ROUTES

        url = urlparse(self.path)
        path = url.path
        if path in ("/", "/index.html"):
            page = resources.files("valuechain.app").joinpath("static/dashboard.html").read_bytes()
            self._send(200, page, "text/html; charset=utf-8")
        elif path == "/static/plotly.min.js":
            self._send(200, _plotly_js(), "application/javascript")
        elif path.startswith("/api/"):
            route = ROUTES.get(path[len("/api/"):])
            if route is None:
                self._json(404, {"error": f"No API route {path}."})
                return
            params = {k: v[-1] for k, v in parse_qs(url.query).items()}
            try:
                self._json(200, route(params))
            except ValuechainError as exc:
                self._json(400, {"error": str(exc)})
            except Exception as exc:  # the page shows the message; the server keeps running
                self._json(500, {"error": f"{type(exc).__name__}: {exc}"})
        elif path.startswith("/report/") and self.report_dir is not None:
            self._serve_report(path[len("/report/"):] or "index.html")
        else:
            self._json(404, {"error": f"Nothing at {path}."})

    def _serve_report(self, relative: str) -> None:
        assert self.report_dir is not None
        root = self.report_dir.resolve()
        target = (root / relative).resolve()
        if root not in target.parents and target != root or not target.is_file():
            self._json(404, {"error": f"No report file {relative}; run 'valuechain report build' first."})
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self._send(200, target.read_bytes(), kind)


def make_server(host: str = "127.0.0.1", port: int = 8765, report_dir: Path | None = None) -> ThreadingHTTPServer:
    """A dashboard server bound to ``host:port`` (port 0 picks a free one); call ``serve_forever``."""
    handler = type("Handler", (DashboardHandler,), {"report_dir": report_dir})
    return ThreadingHTTPServer((host, port), handler)


def serve_in_thread(report_dir: Path | None = None) -> tuple[ThreadingHTTPServer, str]:
    """Start a server on a free loopback port in a daemon thread; return it and its base URL."""
    server = make_server(port=0, report_dir=report_dir)
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
