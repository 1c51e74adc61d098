"""Generated GH Archive hours with a known effect: the demonstration panel and the simulation checks.

:func:`simulate_hours` writes hourly files (``YYYY-MM-DD-H.json.gz``, events in GH Archive's schema:
``id, type, actor{id, login, ...}, repo{id, name, url}, payload, public, created_at``) and a JSON-lines
file of GitHub user objects (``login, id, type, location``). Everything is generated from a seed; the
numbers are made up and labelled as such wherever they are shown.

Design (all rates per repository-week):

- each group of actors keeps to its country's daytime in UTC: China 01–12 UTC (09–20 Beijing), the U.S.
  17–23 UTC (09–15 Pacific, 12–18 Eastern), Europe 07–16 UTC, India 04–13 UTC; some actors have no
  profile location (``unknown``) and follow the U.S. or the Chinese daytime at random;
- baseline rates per group for forks, stars, issues, pull requests and pushes;
- after the shock, China-located actors make ``effect`` more forks per repository-week than the U.S.
  ones (the planted CN − US difference); with ``global_increase`` every group (China, the U.S., Europe,
  India; unknown actors half as much) makes that many more forks per repository-week too, so that
  Europe's and India's extra forks, made before 17:00 UTC, show how the UTC-hour proxy mistakes them for
  Chinese: its estimate is then about ``effect + 2 * global_increase``;
- one heavy automated account (``heavy_bot``) without ``[bot]`` in its login makes ``bot_events_per_hour``
  forks in a few hours after the shock (dropped by the activity cut-off) and one ``[bot]`` login pushes.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

#: UTC hours (inclusive start, exclusive end) of each country's daytime.
DAYTIME_UTC: dict[str, tuple[int, int]] = {"CN": (1, 13), "US": (17, 24), "EU": (7, 17), "IN": (4, 14)}
LOCATIONS: dict[str, tuple[str, ...]] = {
    "CN": ("Beijing, China", "Shanghai", "Hangzhou, Zhejiang, China", "深圳", "Chengdu, China"),
    "US": ("San Francisco, CA", "Seattle, WA", "New York, NY", "Austin, Texas", "Boston, MA, USA"),
    "EU": ("Berlin, Germany", "Paris, France", "Amsterdam, Netherlands", "Munich, Germany"),
    "IN": ("Bangalore, India", "Bengaluru", "Mumbai, India", "Hyderabad, India"),
}
#: Baseline events per repository-week made by each group of actors.
BASE_RATES: dict[str, float] = {
    "forks": 1.0,
    "stars": 1.5,
    "issues": 0.5,
    "pull_requests": 0.4,
    "pushes": 0.8,
}
EVENT_TYPES: dict[str, str] = {
    "forks": "ForkEvent",
    "stars": "WatchEvent",
    "issues": "IssuesEvent",
    "pull_requests": "PullRequestEvent",
    "pushes": "PushEvent",
}


@dataclass
class Simulation:
    """Where the generated hours are, and the truth they were generated from."""

    directory: Path
    users_file: Path
    files: list[Path]
    shock: date
    start: date
    weeks: int
    effect: float
    global_increase: float
    actors: dict[str, int]
    events: int
    bot_logins: list[str]
    seed: int
    placebo_repo_names: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"GENERATED: {self.events:,} events in {len(self.files):,} hourly files ({self.weeks} weeks from "
            f"{self.start}), planted CN - US effect {self.effect:+.2f} forks per repository-week after "
            f"{self.shock}, shared increase {self.global_increase:+.2f}, seed {self.seed}"
        )

    def tidy(self) -> Any:
        """One row per generated hourly file."""
        import pandas as pd

        return pd.DataFrame({"file": [str(p) for p in self.files]})

    def to_dict(self) -> dict[str, Any]:
        return {
            "directory": str(self.directory),
            "files": len(self.files),
            "shock": self.shock.isoformat(),
            "start": self.start.isoformat(),
            "weeks": self.weeks,
            "planted_effect_forks": self.effect,
            "global_increase_forks": self.global_increase,
            "actors": self.actors,
            "events": self.events,
            "bots": self.bot_logins,
            "seed": self.seed,
            "generated": True,
        }


def simulate_hours(
    directory: str | Path,
    *,
    shock: date = date(2022, 10, 7),
    weeks_before: int = 8,
    weeks_after: int = 8,
    repos: int = 40,
    actors: dict[str, int] | None = None,
    unknown_actors: int = 30,
    effect: float = 0.5,
    global_increase: float = 0.0,
    bot_events_per_hour: int = 150,
    seed: int = 7,
    placebo_repos: int = 0,
) -> Simulation:
    """Write generated GH Archive hours and user objects into ``directory`` (see the module docstring)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    counts = dict(actors or {"CN": 60, "US": 60})
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    shock_week = datetime(shock.year, shock.month, shock.day) - timedelta(days=shock.weekday())
    start = shock_week - timedelta(weeks=weeks_before)
    weeks = weeks_before + weeks_after
    # Actors: id, login, country (None = no location), daytime group.
    people: dict[str, list[tuple[int, str]]] = defaultdict(list)
    users: list[dict[str, Any]] = []
    next_id = 5_000_000
    for country, n in counts.items():
        for i in range(n):
            login = f"{country.lower()}-dev-{i}"
            people[country].append((next_id, login))
            users.append(
                {
                    "login": login,
                    "id": next_id,
                    "type": "User",
                    "location": LOCATIONS[country][i % len(LOCATIONS[country])],
                }
            )
            next_id += 1
    for i in range(unknown_actors):
        daytime = "CN" if i % 2 == 0 else "US"
        login = f"anon-{i}"
        people[f"unknown:{daytime}"].append((next_id, login))
        users.append({"login": login, "id": next_id, "type": "User", "location": None if i % 3 else "Earth"})
        next_id += 1
    repo_ids = [700_000_000 + 13 * r for r in range(repos)]
    repo_names = [f"open-llm-{r // 10}/model-{r}" for r in range(repos)]
    by_hour: dict[datetime, list[dict[str, Any]]] = defaultdict(list)
    event_id = 30_000_000_000
    for week in range(weeks):
        week_start = start + timedelta(weeks=week)
        post = week >= weeks_before
        for pool, members in people.items():
            daytime = pool.split(":")[-1]
            country = pool if ":" not in pool else "unknown"
            for outcome, rate in BASE_RATES.items():
                lam = rate if ":" not in pool else rate * 0.5
                if post and outcome == "forks":
                    if country == "CN":
                        lam += effect + global_increase
                    elif global_increase:
                        lam += global_increase if ":" not in pool else global_increase * 0.5
                draws = rng.poisson(lam, size=repos)
                for r in np.nonzero(draws)[0]:
                    for _ in range(int(draws[r])):
                        actor_id, login = members[int(rng.integers(len(members)))]
                        low, high = DAYTIME_UTC[daytime]
                        moment = week_start + timedelta(
                            days=int(rng.integers(7)),
                            hours=int(rng.integers(low, high)),
                            minutes=int(rng.integers(60)),
                            seconds=int(rng.integers(60)),
                        )
                        event_id += 1
                        by_hour[moment.replace(minute=0, second=0)].append(
                            _event(
                                event_id,
                                EVENT_TYPES[outcome],
                                actor_id,
                                login,
                                repo_ids[int(r)],
                                repo_names[int(r)],
                                moment,
                                rng,
                            )
                        )
    # Placebo repositories (non-LLM): the same actors at the baseline rates, no effect after the shock
    # (drawn from their own generator, so that adding them leaves the other events unchanged).
    placebo_rng = np.random.default_rng(seed + 1)
    placebo_names = [f"web-tools-{r // 10}/app-{r}" for r in range(placebo_repos)]
    for week in range(weeks if placebo_repos else 0):
        week_start = start + timedelta(weeks=week)
        for pool, members in people.items():
            daytime = pool.split(":")[-1]
            for outcome, rate in BASE_RATES.items():
                draws = placebo_rng.poisson(rate if ":" not in pool else rate * 0.5, size=placebo_repos)
                for r in np.nonzero(draws)[0]:
                    for _ in range(int(draws[r])):
                        actor_id, login = members[int(placebo_rng.integers(len(members)))]
                        low, high = DAYTIME_UTC[daytime]
                        moment = week_start + timedelta(
                            days=int(placebo_rng.integers(7)),
                            hours=int(placebo_rng.integers(low, high)),
                            minutes=int(placebo_rng.integers(60)),
                        )
                        event_id += 1
                        by_hour[moment.replace(minute=0, second=0)].append(
                            _event(
                                event_id,
                                EVENT_TYPES[outcome],
                                actor_id,
                                login,
                                600_000_000 + 7 * int(r),
                                placebo_names[int(r)],
                                moment,
                                placebo_rng,
                            )
                        )
    # Bots: a heavy account without "[bot]" forking everything in a few Chinese-daytime hours after the shock,
    # and a "[bot]" login pushing every day.
    heavy = (9_000_001, "mirror-sync")
    for k in range(3):
        hour = shock_week + timedelta(weeks=1 + k, days=1, hours=3)
        for j in range(bot_events_per_hour):
            event_id += 1
            by_hour[hour].append(
                _event(
                    event_id,
                    "ForkEvent",
                    *heavy,
                    repo_ids[j % repos],
                    repo_names[j % repos],
                    hour + timedelta(seconds=j),
                    rng,
                )
            )
    tagged = (9_000_002, "release-helper[bot]")
    for day in range(weeks * 7):
        moment = start + timedelta(days=day, hours=5, minutes=3)
        event_id += 1
        by_hour[moment.replace(minute=0)].append(
            _event(
                event_id, "PushEvent", *tagged, repo_ids[day % repos], repo_names[day % repos], moment, rng
            )
        )
    users.append({"login": heavy[1], "id": heavy[0], "type": "User", "location": "Hangzhou, China"})
    files: list[Path] = []
    total = 0
    for hour in sorted(by_hour):
        rows = sorted(by_hour[hour], key=lambda e: e["created_at"])
        path = out / f"{hour:%Y-%m-%d}-{hour.hour}.json.gz"
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as handle:
            for row in rows:
                handle.write(json.dumps(row, separators=(",", ":")) + "\n")
        files.append(path)
        total += len(rows)
    users_file = out / "users.jsonl"
    users_file.write_text("".join(json.dumps(u, ensure_ascii=False) + "\n" for u in users), encoding="utf-8")
    return Simulation(
        directory=out,
        users_file=users_file,
        files=files,
        shock=shock,
        start=start.date(),
        weeks=weeks,
        effect=effect,
        global_increase=global_increase,
        actors={**counts, "unknown": unknown_actors},
        events=total,
        bot_logins=[heavy[1], tagged[1]],
        seed=seed,
        placebo_repo_names=placebo_names,
        notes=[
            "Generated data (valuechain.engagement.simulate): made-up actors, repositories and events with a "
            "planted effect; it demonstrates the design and checks the estimators, it says nothing about GitHub."
        ],
    )


def _event(
    event_id: int,
    kind: str,
    actor_id: int,
    login: str,
    repo_id: int,
    repo_name: str,
    moment: datetime,
    rng: Any,
) -> dict[str, Any]:
    """One event in GH Archive's schema (payloads trimmed to their usual keys)."""
    payload: dict[str, Any]
    if kind == "ForkEvent":
        payload = {
            "forkee": {
                "id": int(rng.integers(800_000_000, 900_000_000)),
                "full_name": f"{login}/{repo_name.split('/')[1]}",
                "fork": True,
            }
        }
    elif kind == "WatchEvent":
        payload = {"action": "started"}
    elif kind == "IssuesEvent":
        payload = {"action": "opened", "issue": {"number": int(rng.integers(1, 5000)), "title": "generated"}}
    elif kind == "PullRequestEvent":
        payload = {
            "action": "opened",
            "number": int(rng.integers(1, 5000)),
            "pull_request": {"state": "open"},
        }
    else:
        sha = f"{int(rng.integers(2**62)):040x}"[-40:]
        payload = {
            "push_id": int(rng.integers(10**9)),
            "size": 1,
            "distinct_size": 1,
            "ref": "refs/heads/main",
            "head": sha,
            "before": sha,
            "commits": [],
        }
    return {
        "id": str(event_id),
        "type": kind,
        "actor": {
            "id": actor_id,
            "login": login,
            "gravatar_id": "",
            "url": f"https://api.github.com/users/{login}",
            "avatar_url": f"https://avatars.githubusercontent.com/u/{actor_id}?",
        },
        "repo": {"id": repo_id, "name": repo_name, "url": f"https://api.github.com/repos/{repo_name}"},
        "payload": payload,
        "public": True,
        "created_at": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
