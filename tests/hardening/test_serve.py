"""Issue 13 item 2: `valuechain serve` and its JSON API behave like the CLI."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

from valuechain import SCHEMA_VERSION
from valuechain.app import routes
from valuechain.app.server import serve_in_thread


@pytest.fixture(scope="module")
def server():
    srv, url = serve_in_thread()
    yield url
    srv.shutdown()
    srv.server_close()


def call(url: str, method: str = "GET") -> tuple[int, dict, dict]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read()
            return response.status, json.loads(body) if body else {}, dict(response.headers)
    except urllib.error.HTTPError as error:
        body = error.read()
        return error.code, json.loads(body) if body else {}, dict(error.headers)


@pytest.mark.parametrize("port", ["99999", "-1", "65536"])
def test_a_port_out_of_range_is_one_sentence(run_cli, port):
    result = run_cli("serve", "--port", port, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: The port") and result.stderr.count("\n") == 1


def test_a_port_in_use_is_one_sentence(run_cli):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", str(port), timeout=60)
    assert result.returncode == 2 and "already in use" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_other_methods_get_a_json_405(server, method):
    status, body, headers = call(f"{server}/api/market/solve", method)
    assert status == 405 and headers.get("Allow") == "GET, HEAD"
    assert (
        body["schema_version"] == SCHEMA_VERSION and body["status"] == 405 and "not allowed" in body["error"]
    )


def test_head_answers_like_get_without_a_body(server):
    status, body, headers = call(f"{server}/api/market/solve?c=1.5", "HEAD")
    assert status == 200 and body == {} and int(headers["Content-Length"]) > 0


@pytest.mark.parametrize(
    "query,fragment",
    [
        ("market/solve?colour=blue", "Unknown query parameter 'colour'"),
        ("audit/catalog?page=2", "Unknown query parameter 'page'"),
        ("ecosystem/lineage?top=0", "between 1 and 200"),
        ("ecosystem/lineage?top=100000", "between 1 and 200"),
        ("market/map?n=100000", "between 2 and 400"),
        ("market/solve?c=1&c=2", "given 2 times"),
        ("market/solve?c=" + "9" * 5000, "5,000 characters long"),
        ("no/such/route", "No API route"),
    ],
)
def test_bad_requests_are_refused_with_one_bounded_sentence(server, query, fragment):
    status, body, _ = call(f"{server}/api/{query}")
    assert status in (400, 404) and body["status"] == status
    assert body["schema_version"] == SCHEMA_VERSION and body["sources"] == []
    assert fragment in body["error"] and len(body["error"]) < 400 and "9" * 100 not in body["error"]


def test_every_answer_carries_schema_version(server):
    for path in ("/api/market/solve?c=1.5", "/api/policy/timeline?country=CN", "/nowhere", "/report/x"):
        _, body, _ = call(server + path)
        assert body["schema_version"] == SCHEMA_VERSION, path


def test_slow_payloads_are_computed_once_under_concurrency(monkeypatch):
    calls = []

    @routes.single_flight
    def slow(key: int) -> int:
        calls.append(key)
        time.sleep(0.3)
        return key * 2

    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(slow(7))) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == [7] and results == [14] * 20
