"""The dashboard's base URL is built from the bound socket address without leaking bytes reprs."""

import urllib.request

import pytest

from valuechain.app.server import base_url, serve_in_thread


def test_bytes_host_is_decoded_not_formatted_as_repr():
    assert base_url((b"127.0.0.1", 8765)) == "http://127.0.0.1:8765"


def test_str_host_and_ipv6_literal():
    assert base_url(("127.0.0.1", 80)) == "http://127.0.0.1:80"
    assert base_url(("::1", 8080, 0, 0)) == "http://[::1]:8080"


def test_non_inet_address_is_rejected():
    with pytest.raises(ValueError, match="socket address"):
        base_url("relative/unix.sock")


def test_serve_in_thread_url_is_reachable(tmp_path):
    server, url = serve_in_thread(tmp_path)
    try:
        assert url.startswith("http://127.0.0.1:") and "b'" not in url
        with urllib.request.urlopen(f"{url}/", timeout=10) as response:
            assert response.status == 200
            assert b"<html" in response.read().lower()
    finally:
        server.shutdown()
        server.server_close()
