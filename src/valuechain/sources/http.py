"""A small HTTP layer shared by the connectors: retries, backoff, Retry-After, rate limit, redaction.

Behaviour (the common practice of well-behaved API clients, e.g. RFC 9110 §10.2.3 for ``Retry-After``
and "exponential backoff with jitter" as described in the AWS Architecture Blog, 2015):

- transient failures are retried: HTTP 429 and 5xx, connection errors and resets, timeouts, bodies
  cut short (fewer bytes than ``Content-Length``, broken chunked encoding) and, for JSON requests,
  bodies that do not parse (a truncated body without a length);
- the wait before attempt *n* is ``min(backoff_max, backoff_base * 2**n)`` scaled by a random factor
  in [0.5, 1] (jitter), or the server's ``Retry-After`` (seconds or an HTTP date) or IETF
  ``RateLimit: "api";r=0;t=55`` reset time (draft-ietf-httpapi-ratelimit-headers, which the Hugging Face
  Hub sends) when it is longer, capped at ``retry_after_max``; a successful answer that says no
  requests remain (``r=0``) pauses the next request until the window resets;
- a client-side rate limit spaces requests at least ``1 / rate_per_second`` apart;
- tokens come from :func:`valuechain.config.token`, travel only as request headers, and are masked in
  every message and log line (:func:`redact`);
- after the last attempt a :class:`~valuechain.errors.SourceError` names the URL and the last failure
  in one sentence;
- no network (the host name does not resolve, or the connection is refused) is not transient: it fails at
  once, without retries, with one sentence naming the host (issue 13 item 7).

The retry loop is tenacity's (``Retrying``): urllib3's ``Retry`` on a requests adapter acts only while the
adapter waits for headers, so it cannot retry bodies cut short or unparsable JSON, which real servers
send. Neither library reads the IETF ``RateLimit`` header, so :func:`parse_ratelimit` stays ours.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests
import tenacity

from valuechain import __version__, config
from valuechain.errors import InputError, SourceError

log = logging.getLogger(__name__)

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
USER_AGENT = f"valuechain/{__version__} (+https://github.com/valuechain)"


class OfflineError(SourceError):
    """The host cannot be reached at all (name resolution failed or connection refused): never retried."""


def _unreachable_reason(exc: BaseException) -> str | None:
    """'the name does not resolve' / 'the connection was refused' if ``exc`` (or what caused it) says so."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        name = type(current).__name__
        text = str(current)
        if (
            name == "NameResolutionError"
            or isinstance(current, OSError)
            and current.errno in (-2, -3, -5)
            or "Name or service not known" in text
            or "Temporary failure in name resolution" in text
            or "nodename nor servname" in text
        ):
            return "its name does not resolve (no network?)"
        if isinstance(current, ConnectionRefusedError) or "Connection refused" in text:
            return "the connection was refused"
        for arg in getattr(current, "args", ()):
            if isinstance(arg, BaseException) and id(arg) not in seen:
                reason = _unreachable_reason(arg)
                if reason:
                    return reason
        current = current.__cause__ or current.__context__ or getattr(current, "reason", None)
    return None


def short_url(url: str, limit: int = 80) -> str:
    """Scheme, host and path of ``url`` (no query), cut to ``limit`` characters, for one-line notes."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    text = f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else url.split("?")[0]
    return text if len(text) <= limit else text[: limit - 1] + "…"


class TransientError(Exception):
    """A failure worth retrying (kept internal; callers see SourceError after the last attempt)."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


_RATELIMIT = re.compile(r'"?(?P<name>[\w-]+)"?\s*;\s*r\s*=\s*(?P<r>\d+)\s*;\s*t\s*=\s*(?P<t>\d+)')


def parse_ratelimit(value: str | None) -> tuple[int, float] | None:
    """``(remaining, seconds_to_reset)`` from an IETF ``RateLimit`` header (e.g. ``"api";r=0;t=55``)."""
    if not value:
        return None
    match = _RATELIMIT.search(value)
    if not match:
        return None
    return int(match.group("r")), float(match.group("t"))


class RateLimiter:
    """Spaces calls at least ``1 / rate_per_second`` seconds apart (thread-safe)."""

    def __init__(
        self,
        rate_per_second: float | None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.interval = 1.0 / rate_per_second if rate_per_second else 0.0
        self.clock, self.sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def pause(self, seconds: float) -> None:
        """Hold the next call back for ``seconds`` (the server said its window is used up)."""
        with self._lock:
            self._next = max(self._next, self.clock() + seconds)

    def wait(self) -> None:
        if self.interval <= 0 and self._next <= 0:
            return
        with self._lock:
            now = self.clock()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            self.sleep(delay)


@dataclass
class HttpClient:
    """A ``requests.Session`` with retries, backoff, ``Retry-After``, a rate limit and token redaction.

    ``token_variable`` names the environment variable (see :data:`valuechain.config.TOKEN_VARIABLES`)
    whose value is sent as ``Authorization: Bearer …`` when set.
    """

    service: str = "the remote API"
    token_variable: str | None = None
    max_attempts: int = 6
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    retry_after_max: float = 120.0
    timeout: float = 30.0
    rate_per_second: float | None = 5.0
    headers: Mapping[str, str] = field(default_factory=dict)
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        self._limiter = RateLimiter(self.rate_per_second, sleep=self.sleep)
        self._token = config.token(self.token_variable) if self.token_variable else None
        self.attempts_made = 0  # total HTTP attempts, for reporting
        self.retries_made = 0

    # -- redaction ---------------------------------------------------------------------------
    def redact(self, text: str) -> str:
        """``text`` with the token (and every configured token) replaced by ``***``."""
        if self._token and len(self._token) >= 4:
            text = text.replace(self._token, "***")
        return config.redact(text)

    def _headers(self, extra: Mapping[str, str] | None) -> dict[str, str]:
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **self.headers, **(extra or {})}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        return headers

    def backoff(self, attempt: int) -> float:
        """The wait before retry number ``attempt`` (0-based): exponential with jitter in [0.5, 1]."""
        return min(self.backoff_max, self.backoff_base * (2**attempt)) * random.uniform(0.5, 1.0)

    # -- requests ----------------------------------------------------------------------------
    def _attempt(
        self, url: str, params: Any, headers: dict[str, str], parse_json: bool
    ) -> tuple[requests.Response, Any]:
        self._limiter.wait()
        self.attempts_made += 1
        try:
            response = self.session.get(url, params=params, headers=headers, timeout=self.timeout)
            body = response.content  # reads the whole body: a short read raises here
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
            raise TransientError(f"the body was cut short ({type(exc).__name__})") from None
        except (
            requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema,
            requests.exceptions.InvalidURL,
            requests.exceptions.URLRequired,
        ):
            raise InputError(f"{self.redact(url)} is not a valid http(s) URL for {self.service}.") from None
        except requests.exceptions.Timeout:
            raise TransientError("the request timed out") from None
        except requests.exceptions.ConnectionError as exc:
            reason = _unreachable_reason(exc)
            if reason:
                from urllib.parse import urlsplit

                host = urlsplit(url).netloc or url
                service = "the" + self.service[3:] if self.service.startswith("The ") else self.service
                raise OfflineError(f"Cannot reach {service} at {host}: {reason}.") from None
            raise TransientError(f"the connection failed ({type(exc).__name__})") from None
        status = response.status_code
        window = parse_ratelimit(response.headers.get("RateLimit"))
        if status in RETRY_STATUS:
            waits = [
                w
                for w in (
                    parse_retry_after(response.headers.get("Retry-After")),
                    window[1] if window and window[0] == 0 else None,
                )
                if w is not None
            ]
            raise TransientError(f"HTTP {status}", max(waits) if waits else None)
        if window is not None and window[0] == 0 and window[1] > 0:
            self._limiter.pause(min(window[1], self.retry_after_max))
        expected = response.headers.get("Content-Length")
        if (
            expected
            and expected.isdigit()
            and "Content-Encoding" not in response.headers
            and int(expected) != len(body)
        ):
            raise TransientError(f"the body was cut short ({len(body)} of {expected} bytes)")
        if status >= 400:
            self._raise_client_error(url, response)
        data = None
        if parse_json:
            try:
                data = json.loads(body)
            except ValueError:
                raise TransientError("the body was not complete JSON (truncated?)") from None
        return response, data

    def _raise_client_error(self, url: str, response: requests.Response) -> None:
        status = response.status_code
        where = self.redact(url)
        if status in (401, 403):
            hint = f" (check {self.token_variable})" if self.token_variable else ""
            raise SourceError(f"{self.service} refused access to {where} with HTTP {status}{hint}.")
        if status == 404:
            raise InputError(f"{self.service} has nothing at {where} (HTTP 404).")
        raise SourceError(f"{self.service} rejected the request {where} with HTTP {status}.")

    def get(
        self, url: str, params: Any = None, headers: Mapping[str, str] | None = None, parse_json: bool = False
    ) -> tuple[requests.Response, Any]:
        """GET ``url`` with retries; return the response (body read) and, if asked, its parsed JSON."""
        all_headers = self._headers(headers)

        def wait(state: tenacity.RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            seconds = self.backoff(state.attempt_number - 1)
            if isinstance(exc, TransientError) and exc.retry_after is not None:
                seconds = min(self.retry_after_max, max(seconds, exc.retry_after))
            return seconds

        def note(state: tenacity.RetryCallState) -> None:
            self.retries_made += 1
            exc = state.outcome.exception() if state.outcome else None
            seconds = state.next_action.sleep if state.next_action else 0.0
            log.warning(
                "%s: %s on %s; retry %d/%d in %.1fs",
                self.service,
                exc,
                self.redact(short_url(url)),
                state.attempt_number,
                self.max_attempts - 1,
                seconds,
            )

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.max_attempts),
            wait=wait,
            sleep=self.sleep,
            retry=tenacity.retry_if_exception_type(TransientError),
            before_sleep=note,
            reraise=True,
        )
        try:
            return retrying(self._attempt, url, params, all_headers, parse_json)
        except TransientError as exc:
            raise SourceError(
                f"{self.service} did not answer {self.redact(url)} after {self.max_attempts} "
                f"attempts (last failure: {exc})."
            ) from None

    def get_json(
        self, url: str, params: Any = None, headers: Mapping[str, str] | None = None
    ) -> tuple[requests.Response, Any]:
        """GET ``url`` and parse its JSON body, retrying truncated or unparsable bodies too."""
        return self.get(url, params=params, headers=headers, parse_json=True)

    def close(self) -> None:
        self.session.close()
