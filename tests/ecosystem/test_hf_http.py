"""The shared HTTP layer: Retry-After, backoff with jitter, rate limit, errors, token redaction."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from hf_replay import ReplayHub
from hypothesis import given, settings
from hypothesis import strategies as st

from valuechain.errors import InputError, SourceError
from valuechain.sources.http import HttpClient, OfflineError, RateLimiter, parse_ratelimit, parse_retry_after

TOKEN = "hf_HttpSecretToken1122334455"
RECORDS = [{"_id": str(i), "id": f"org{i % 3}/model-{i}", "author": f"org{i % 3}"} for i in range(30)]


def test_retry_after_in_seconds_and_as_an_http_date():
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now=now) == 90.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=5), usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


@settings(deadline=None)  # timing varies on a shared machine; correctness does not
@given(
    st.integers(min_value=0, max_value=20),
    st.floats(min_value=0.01, max_value=5),
    st.floats(min_value=0.1, max_value=60),
)
def test_backoff_grows_exponentially_with_jitter_and_a_cap(attempt, base, cap):
    client = HttpClient(backoff_base=base, backoff_max=cap)
    wait = client.backoff(attempt)
    ceiling = min(cap, base * 2**attempt)
    assert 0.5 * ceiling - 1e-9 <= wait <= ceiling + 1e-9


def test_rate_limiter_spaces_calls():
    clock = [0.0]
    sleeps: list[float] = []

    def sleep(s):
        sleeps.append(s)
        clock[0] += s

    limiter = RateLimiter(4.0, clock=lambda: clock[0], sleep=sleep)
    for _ in range(5):
        limiter.wait()
    assert sleeps == pytest.approx([0.25, 0.25, 0.25, 0.25])
    assert clock[0] == pytest.approx(1.0)


def test_rate_limit_holds_against_a_real_server():
    with ReplayHub(RECORDS) as hub:
        client = HttpClient(rate_per_second=20.0)
        start = time.monotonic()
        for _ in range(6):
            client.get_json(f"{hub.endpoint}/api/models")
        elapsed = time.monotonic() - start
    assert elapsed >= 5 / 20.0 - 0.01


def test_token_goes_in_a_header_and_never_into_messages_or_logs(monkeypatch, caplog):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    caplog.set_level(logging.DEBUG)
    with ReplayHub(RECORDS, faults={0: ["500"] * 3}) as hub:
        client = HttpClient(
            service="The Hugging Face Hub",
            token_variable="HF_TOKEN",
            max_attempts=3,
            sleep=lambda s: None,
            rate_per_second=None,
        )
        with pytest.raises(SourceError) as err:
            client.get_json(f"{hub.endpoint}/api/models?note={TOKEN}")  # even a token pasted in a URL
        assert hub.requests[0]["headers"]["Authorization"] == f"Bearer {TOKEN}"
    message = str(err.value)
    assert TOKEN not in message and "***" in message and "after 3 attempts" in message
    assert message.startswith("The Hugging Face Hub did not answer") and message.endswith(").")
    assert TOKEN not in "".join(r.getMessage() for r in caplog.records if r.name.startswith("valuechain"))


def test_client_errors_are_not_retried():
    with ReplayHub(RECORDS) as hub:
        client = HttpClient(sleep=lambda s: pytest.fail("a 404 must not be retried"))
        with pytest.raises(InputError, match="HTTP 404"):
            client.get_json(f"{hub.endpoint}/api/models/nobody/none")
        assert client.attempts_made == 1


def test_connection_refused_fails_at_once_without_retries():
    # issue 13 item 7: a refused connection is not transient (offline); one sentence, no retries
    sleeps: list[float] = []
    client = HttpClient(max_attempts=3, sleep=sleeps.append, rate_per_second=None, timeout=2)
    with pytest.raises(
        OfflineError, match=r"^Cannot reach the remote API at 127.0.0.1:9: the connection was refused\.$"
    ):
        client.get("http://127.0.0.1:9/api/models")
    assert sleeps == [] and client.attempts_made == 1


def test_a_name_that_does_not_resolve_fails_at_once_without_retries():
    sleeps: list[float] = []
    client = HttpClient(
        service="The Hugging Face Hub", max_attempts=5, sleep=sleeps.append, rate_per_second=None
    )
    with pytest.raises(OfflineError, match="does not resolve"):
        client.get("http://no-such-host.invalid/api/models?" + "x" * 300)
    assert sleeps == [] and client.attempts_made == 1


def test_retry_notes_are_one_short_line(caplog):
    caplog.set_level(logging.WARNING)
    with ReplayHub(RECORDS, faults={0: ["500"]}) as hub:
        client = HttpClient(sleep=lambda s: None, rate_per_second=None)
        client.get_json(f"{hub.endpoint}/api/models?" + "&".join(f"expand=field{i}" for i in range(40)))
    notes = [r.getMessage() for r in caplog.records if r.name.startswith("valuechain")]
    assert len(notes) == 1 and "HTTP 500" in notes[0] and len(notes[0]) < 160 and "\n" not in notes[0]


@pytest.mark.parametrize("url", ["notaurl/api/models", "ftp://example.org/api/models", "http://"])
def test_a_malformed_endpoint_is_an_input_error(url):
    client = HttpClient(sleep=lambda s: pytest.fail("a bad URL must not be retried"))
    with pytest.raises(InputError, match="not a valid http"):
        client.get(url)


def test_the_hubs_ratelimit_header_sets_the_wait():
    assert parse_ratelimit('"api";r=0;t=55') == (0, 55.0)
    assert parse_ratelimit('"resolvers";r=12;t=3') == (12, 3.0)
    assert parse_ratelimit("nonsense") is None and parse_ratelimit(None) is None
    sleeps: list[float] = []
    with ReplayHub(
        RECORDS, page_size=10, faults={0: ["429-ratelimit"], 1: ["last-in-window"]}, retry_after="42"
    ) as hub:
        client = HttpClient(sleep=sleeps.append, rate_per_second=None, backoff_base=0.01)
        page0, _ = client.get_json(f"{hub.endpoint}/api/models")
        assert sleeps == [42.0]  # the 429 waited for the window's reset, not the 0.01 s backoff
        page1, _ = client.get_json(page0.links["next"]["url"])
        assert sleeps == [42.0]  # r=0 on a good answer: no wait yet ...
        client.get_json(page1.links["next"]["url"])
    assert len(sleeps) == 2 and 30.0 <= sleeps[1] <= 42.0  # ... the next request waits for the reset
