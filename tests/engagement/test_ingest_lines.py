"""Hypothesis: any mix of real events, broken lines and incomplete events is read, counted and kept exactly."""

from __future__ import annotations

import gzip
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from valuechain.engagement.events import KEPT_TYPES, ingest
from valuechain.store import Store

GARBAGE = st.sampled_from([b"not json", b"{", b"[1, 2]", b'"a string"', b"{}", b"null", b"\xff\xfe"])
INCOMPLETE = st.sampled_from(["actor", "repo", "created_at", "id", "type"])


def _real_lines(path, n=200):
    return gzip.decompress(path.read_bytes()).splitlines()[:n]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_line_is_counted_once(real_hour, tmp_path_factory, data):
    lines = _real_lines(real_hour)
    picked = data.draw(st.lists(st.integers(0, len(lines) - 1), min_size=1, max_size=60, unique=True))
    garbage = data.draw(st.lists(GARBAGE, max_size=5))
    incomplete = data.draw(st.lists(st.tuples(st.integers(0, len(lines) - 1), INCOMPLETE), max_size=5))
    out = [lines[i] for i in picked]
    broken = []
    for index, field in incomplete:
        event = json.loads(lines[index])
        event.pop(field)
        event["id"] = str(10**12 + len(broken)) if field != "id" else None
        broken.append(json.dumps(event).encode())
    mixed = out + garbage + broken
    order = data.draw(st.permutations(range(len(mixed))))
    path = tmp_path_factory.mktemp("lines") / "2015-01-01-12.json.gz"
    path.write_bytes(gzip.compress(b"\n".join(mixed[i] for i in order) + b"\n"))
    with Store(":memory:") as store:
        result = ingest(store, [path])
    assert result.events_read == len(mixed)
    assert result.skipped == len(garbage) + len(broken)
    kept = sum(1 for i in picked if json.loads(lines[i])["type"] in KEPT_TYPES)
    assert result.kept == kept == result.inserted
