"""Country of each GitHub actor by three methods, always side by side, with shares and agreement.

Methods (``METHODS``):

``utc-hour``
    The paper's proxy (Jin et al., as secondary accounts report it): an event before ``cutoff_hour``
    UTC (default 17:00) is Chinese, any other is U.S. Per event: :func:`utc_hour_group`; an actor takes
    the group of the majority of its events (a tie is unknown). It has no "other" and no "unknown"
    beyond ties: every European or Indian daytime event counts as Chinese.
``activity-hour``
    The actor's hour-of-day profile matched to UTC offsets. With ``n_h`` events in UTC hour ``h`` and a
    local diurnal profile ``p`` (:data:`DIURNAL_PROFILE`), the log-likelihood of offset ``o`` is
    ``LL(o) = sum_h n_h * log p((h + o) mod 24)``. Offsets map to groups: UTC+7 … UTC+9 → CN (China's single
    zone is UTC+8, but an hour profile cannot tell it from its neighbours — in simulations a one-hour band
    leaves most Chinese actors unknown — so the band also holds Japan, Korea, Taiwan, South-East Asia and
    Perth); UTC−4 … UTC−10 → US (the zones the U.S. spans, shared with Canada and Latin America); any other →
    other. The group of the best offset wins when its best ``LL`` exceeds every other group's best by
    ``min_margin`` (default ``ln 3``: a likelihood ratio of 3); otherwise, or with fewer than ``min_events``
    events, unknown. ``profile_method="modal"`` instead places the modal UTC hour at the profile's peak local
    hour. The diurnal profile is our reconstruction of the usual shape of developer activity (low at night, a
    working-day plateau, an evening shoulder), not a published estimate.
``location``
    The profile ``location`` of the actor's GitHub user object geocoded by
    :mod:`valuechain.engagement.geocode`. When a login has several user records the most recent one
    wins (``updated_at``, then the time it was fetched, then its order of arrival). No record, no
    location, or an ungeocodable one: unknown.

Groups are ``CN``, ``US``, ``other`` and ``unknown``. Hong Kong, Macao and Taiwan are ``other`` unless
``greater_china=True`` counts them as ``CN``. Agreement between two methods is computed on the actors
both classify (neither unknown): the share that agree and Cohen's kappa
``κ = (p_o − p_e) / (1 − p_e)`` with ``p_o`` the observed agreement and ``p_e = Σ_k p_a(k) p_b(k)`` the
agreement expected from each method's marginal shares (Cohen 1960).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from valuechain.engagement.geocode import GROUPING_NOTE, Geocoder, default_geocoder, group_country
from valuechain.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from valuechain.store import Store

METHODS: tuple[str, ...] = ("utc-hour", "activity-hour", "location")
GROUPS: tuple[str, ...] = ("CN", "US", "other", "unknown")
UTC_HOUR_CUTOFF = 17
MIN_EVENTS = 10
MIN_MARGIN = math.log(3)

#: Relative activity by LOCAL hour 0..23 (our reconstruction: night trough, 9-18 plateau, evening shoulder).
DIURNAL_PROFILE: tuple[float, ...] = (
    3.0,
    2.0,
    1.2,
    0.8,
    0.6,
    0.6,
    0.9,
    1.6,
    2.8,
    4.2,
    5.2,
    5.4,
    4.8,
    5.2,
    5.6,
    5.6,
    5.4,
    4.8,
    4.0,
    3.8,
    4.0,
    4.2,
    4.0,
    3.5,
)

#: Whole-hour UTC offsets considered (UTC−12 … UTC+14).
OFFSETS: tuple[int, ...] = tuple(range(-12, 15))
CN_OFFSETS = frozenset({7, 8, 9})
US_OFFSETS = frozenset(range(-10, -3))

PROFILE_RULE = (
    "one record per login (case-insensitive): the most recent wins (updated_at, then fetched_at, "
    "then arrival order)"
)


def utc_hour_group(hour: int, cutoff: int = UTC_HOUR_CUTOFF) -> str:
    """The paper's per-event rule: ``"CN"`` if ``hour < cutoff`` (UTC), else ``"US"``."""
    return "CN" if hour < cutoff else "US"


def offset_group(offset: int) -> str:
    """CN for UTC+7 … UTC+9, US for UTC−4 … UTC−10, other otherwise."""
    if offset in CN_OFFSETS:
        return "CN"
    return "US" if offset in US_OFFSETS else "other"


def offset_log_likelihoods(hour_counts: np.ndarray, profile: Sequence[float] = DIURNAL_PROFILE) -> np.ndarray:
    """``LL[a, j] = sum_h n[a, h] * log p((h + OFFSETS[j]) mod 24)`` for each actor row ``a``.

    ``hour_counts`` is (actors × 24) counts by UTC hour; ``profile`` is normalised to sum to 1.
    """
    p = np.asarray(profile, dtype=float)
    log_p = np.log(p / p.sum())
    hours = np.arange(24)
    # column j of the matrix: log p of local hour (h + offset_j) for each UTC hour h
    table = np.stack([log_p[(hours + offset) % 24] for offset in OFFSETS], axis=1)  # 24 × offsets
    return np.asarray(hour_counts, dtype=float) @ table


def activity_hour_groups(
    hour_counts: np.ndarray,
    *,
    min_events: int = MIN_EVENTS,
    min_margin: float = MIN_MARGIN,
    profile: Sequence[float] = DIURNAL_PROFILE,
    profile_method: str = "likelihood",
) -> tuple[list[str], list[int | None], list[float]]:
    """Per actor: group, best offset (None when unknown for lack of events) and the margin in log units."""
    counts = np.asarray(hour_counts, dtype=float)
    totals = counts.sum(axis=1)
    groups: list[str] = []
    offsets: list[int | None] = []
    margins: list[float] = []
    if profile_method not in ("likelihood", "modal"):
        raise InputError(f"Unknown activity-hour method {profile_method!r}; use 'likelihood' or 'modal'.")
    ll = offset_log_likelihoods(counts, profile) if len(counts) else np.zeros((0, len(OFFSETS)))
    peak_local = int(np.argmax(profile))
    offset_groups = [offset_group(o) for o in OFFSETS]
    for row in range(len(counts)):
        if totals[row] < min_events:
            groups.append("unknown")
            offsets.append(None)
            margins.append(float("nan"))
            continue
        if profile_method == "modal":
            top = np.flatnonzero(counts[row] == counts[row].max())
            if len(top) > 1:
                groups.append("unknown")
                offsets.append(None)
                margins.append(0.0)
                continue
            offset = (peak_local - int(top[0]) + 12) % 24 - 12  # into −12 … +11
            groups.append(offset_group(offset))
            offsets.append(offset)
            margins.append(float("nan"))
            continue
        best_by_group: dict[str, float] = {}
        for j, group in enumerate(offset_groups):
            best_by_group[group] = max(best_by_group.get(group, -math.inf), float(ll[row, j]))
        best_j = int(np.argmax(ll[row]))
        winner = offset_groups[best_j]
        runner_up = max(v for g, v in best_by_group.items() if g != winner)
        margin = float(ll[row, best_j] - runner_up)
        groups.append(winner if margin >= min_margin else "unknown")
        offsets.append(OFFSETS[best_j])
        margins.append(margin)
    return groups, offsets, margins


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float:
    """Cohen's kappa of two equal-length label sequences: ``(p_o − p_e) / (1 − p_e)``; NaN when p_e = 1."""
    if len(a) != len(b):
        raise ValueError("label sequences differ in length")
    n = len(a)
    if n == 0:
        return float("nan")
    labels = sorted(set(a) | set(b))
    p_o = sum(x == y for x, y in zip(a, b, strict=True)) / n
    p_e = sum((list(a).count(k) / n) * (list(b).count(k) / n) for k in labels)
    if p_e >= 1.0:
        return float("nan")
    return (p_o - p_e) / (1 - p_e)


# -- the result ------------------------------------------------------------------------------------------


@dataclass
class Attribution:
    """Each method's group per actor, the shares per method and the agreement between methods."""

    per_actor: pd.DataFrame
    shares: pd.DataFrame
    agreement: pd.DataFrame
    settings: dict[str, Any]
    profiles: dict[str, Any]
    sources: list[dict[str, Any]] = field(default_factory=list)

    def tidy(self) -> pd.DataFrame:
        """Long shares: one row per (method, group) with actor and event counts and shares."""
        return self.shares.copy()

    def groups(self, method: str) -> pd.DataFrame:
        """``actor_id, actor_login, group`` for one method."""
        if method not in METHODS:
            raise InputError(f"Unknown attribution method {method!r}; use one of {', '.join(METHODS)}.")
        frame = self.per_actor[["actor_id", "actor_login", method]].rename(columns={method: "group"})
        return frame.reset_index(drop=True)

    def to_dict(self) -> dict[str, Any]:
        shares: dict[str, Any] = {}
        for method in METHODS:
            rows = self.shares[self.shares["method"] == method]
            shares[method] = {
                row.group: {
                    "actors": int(row.actors),
                    "share": float(row.actor_share),
                    "events": int(row.events),
                    "event_share": float(row.event_share),
                }
                for row in rows.itertuples()
            }
        return {
            "actors": int(len(self.per_actor)),
            "events": int(self.per_actor["events"].sum()) if len(self.per_actor) else 0,
            "shares": shares,
            "agreement": [
                {
                    "methods": [row.method_a, row.method_b],
                    "actors_both_classified": int(row.n_both),
                    "agreement": _float(row.agreement),
                    "kappa": _float(row.kappa),
                }
                for row in self.agreement.itertuples()
            ],
            "settings": self.settings,
            "profiles": self.profiles,
            "grouping": GROUPING_NOTE,
            "methods": {
                "utc-hour": f"event before {self.settings['cutoff_hour']}:00 UTC → CN, else US; actor = "
                "majority of its events (tie → unknown)",
                "activity-hour": "hour-of-day profile matched to UTC offsets (UTC+7…+9 → CN, UTC−4…−10 → US, "
                f"else other); fewer than {self.settings['min_events']} events or a "
                "likelihood margin below min_margin → unknown; the diurnal profile is our "
                "reconstruction",
                "location": "profile location geocoded to an ISO country (valuechain.engagement.geocode)",
            },
        }

    def summary(self) -> str:
        lines = [f"{len(self.per_actor)} actors"]
        for method in METHODS:
            rows = self.shares[self.shares["method"] == method]
            lines.append(
                f"{method:>14}: " + "  ".join(f"{r.group} {r.actor_share:.1%}" for r in rows.itertuples())
            )
        for row in self.agreement.itertuples():
            lines.append(
                f"{row.method_a} vs {row.method_b}: agreement {_pct(row.agreement)}, kappa "
                f"{_num(row.kappa)} on {row.n_both} actors"
            )
        return "\n".join(lines)


def _float(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _pct(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.1%}"


def _num(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.3f}"


# -- computing it ------------------------------------------------------------------------------------------


def _hour_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Events (``actor_id``, ``actor_login``, ``created_at``) → one row per actor with 24 hour counts.

    An actor is its ``actor_id`` (stable across renames; the login of its latest event is kept for the
    profile), or its lower-cased login where there is no id."""
    import pandas as pd

    if "actor_login" not in events.columns and "actor" in events.columns:
        events = events.rename(columns={"actor": "actor_login"})
    missing = {"actor_login", "created_at"} - set(events.columns)
    if missing:
        raise InputError(f"The events lack the column(s) {', '.join(sorted(missing))}.")
    frame = events[["actor_login", "created_at"]].copy()
    frame["actor_id"] = events["actor_id"] if "actor_id" in events.columns else pd.NA
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    frame["hour"] = frame["created_at"].dt.hour
    frame["key"] = frame["actor_id"].astype("string").fillna("login:" + frame["actor_login"].str.lower())
    counts = frame.groupby(["key", "hour"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=range(24), fill_value=0)
    last = (
        frame.sort_values("created_at")
        .groupby("key")
        .agg(actor_id=("actor_id", "last"), actor_login=("actor_login", "last"))
    )
    return last.join(counts).reset_index(drop=True)


def _hour_counts_from_store(store: Store) -> pd.DataFrame:
    """The same per-actor hour counts, computed in DuckDB over ``gh_events``."""
    if not store.has_table("gh_events"):
        raise InputError(
            f"The store {store.path or ':memory:'} has no GH Archive events (table gh_events); run "
            "`valuechain engagement ingest` first."
        )
    long = store.query(
        "SELECT coalesce(CAST(actor_id AS VARCHAR), 'login:' || lower(actor_login)) AS key, "
        "hour(created_at) AS hour, count(*) AS n FROM gh_events GROUP BY 1, 2"
    )
    if long.empty:
        raise InputError(f"The store {store.path or ':memory:'} holds no events to attribute.")
    latest = store.query(
        "SELECT coalesce(CAST(actor_id AS VARCHAR), 'login:' || lower(actor_login)) AS key, "
        "arg_max(actor_id, created_at) AS actor_id, arg_max(actor_login, created_at) AS actor_login "
        "FROM gh_events GROUP BY 1"
    ).set_index("key")
    counts = long.pivot_table(index="key", columns="hour", values="n", aggfunc="sum", fill_value=0)
    counts = counts.reindex(columns=range(24), fill_value=0)
    return latest.join(counts, how="inner").reset_index(drop=True)


def latest_profiles(users: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """One row per lower-cased login, the most recent record winning; and how many logins had several."""
    import pandas as pd

    if users is None or len(users) == 0:
        return pd.DataFrame(columns=["key", "login", "location", "type"]), 0
    frame = users.copy()
    frame["key"] = frame["login"].astype(str).str.lower()
    frame["_order"] = range(len(frame))
    for column in ("updated_at", "fetched_at"):
        if column not in frame.columns:
            frame[column] = pd.NaT
        frame[column] = pd.to_datetime(frame[column], errors="coerce", utc=True)
    frame = frame.sort_values(["updated_at", "fetched_at", "_order"], na_position="first")
    several = int((frame.groupby("key").size() > 1).sum())
    latest = frame.drop_duplicates("key", keep="last")
    return latest, several


def attribute(
    events: pd.DataFrame,
    users: pd.DataFrame | None = None,
    *,
    cutoff_hour: int = UTC_HOUR_CUTOFF,
    min_events: int = MIN_EVENTS,
    min_margin: float = MIN_MARGIN,
    profile_method: str = "likelihood",
    greater_china: bool = False,
    geocoder: Geocoder | None = None,
) -> Attribution:
    """Attribute the actors of ``events`` (``actor_login``, ``created_at``, optional ``actor_id``) by the
    three methods, using ``users`` (GitHub user objects: ``login``, ``location``, ``updated_at``...)."""
    return _attribute(
        _hour_counts(events),
        users,
        cutoff_hour=cutoff_hour,
        min_events=min_events,
        min_margin=min_margin,
        profile_method=profile_method,
        greater_china=greater_china,
        geocoder=geocoder,
    )


def attribute_store(store: Store, **options: Any) -> Attribution:
    """:func:`attribute` over the store's ``gh_events`` and its GitHub user records."""
    from valuechain.sources.github_users import latest_users

    result = _attribute(_hour_counts_from_store(store), latest_users(store), **options)
    result.sources.insert(
        0, {"name": "GH Archive events and GitHub user records", "location": str(store.path or ":memory:")}
    )
    return result


def actor_groups(store: Store, method: str, **options: Any) -> pd.DataFrame:
    """``actor_id, actor_login, group`` of every actor in the store's ``gh_events`` under one method."""
    if method not in METHODS:
        raise InputError(f"Unknown attribution method {method!r}; use one of {', '.join(METHODS)}.")
    return attribute_store(store, **options).groups(method)


def _attribute(
    counts: pd.DataFrame,
    users: pd.DataFrame | None,
    *,
    cutoff_hour: int = UTC_HOUR_CUTOFF,
    min_events: int = MIN_EVENTS,
    min_margin: float = MIN_MARGIN,
    profile_method: str = "likelihood",
    greater_china: bool = False,
    geocoder: Geocoder | None = None,
) -> Attribution:
    import pandas as pd

    if not 0 <= int(cutoff_hour) <= 24:
        raise InputError(f"The UTC cut-off hour {cutoff_hour} is not between 0 and 24.")
    if min_events < 1:
        raise InputError(f"The minimum number of events {min_events} must be at least 1.")
    geocoder = geocoder or default_geocoder()
    hours = counts[list(range(24))].to_numpy(dtype=float)
    events = hours.sum(axis=1)
    before = hours[:, :cutoff_hour].sum(axis=1)
    per_actor = counts[["actor_id", "actor_login"]].copy()
    per_actor["events"] = events.astype(int)
    per_actor["share_before_cutoff"] = np.where(events > 0, before / np.maximum(events, 1), np.nan)
    per_actor["utc-hour"] = np.where(
        before * 2 > events, "CN", np.where(before * 2 < events, "US", "unknown")
    )
    groups, offsets, margins = activity_hour_groups(
        hours, min_events=min_events, min_margin=min_margin, profile_method=profile_method
    )
    per_actor["activity-hour"] = groups
    per_actor["activity_offset"] = pd.array(offsets, dtype="Int64")
    per_actor["activity_margin"] = margins

    latest, several = latest_profiles(users if users is not None else pd.DataFrame())
    by_login = latest.set_index("key") if len(latest) else None
    locations: list[str | None] = []
    countries: list[str | None] = []
    rules: list[str] = []
    for login in per_actor["actor_login"].astype(str).str.lower():
        location = None
        if by_login is not None and login in by_login.index:
            value = by_login.at[login, "location"]
            location = value if isinstance(value, str) else None
        result = geocoder.geocode(location)
        locations.append(location)
        countries.append(result.country)
        rules.append(result.rule if by_login is not None and login in by_login.index else "no user record")
    per_actor["location_text"] = locations
    per_actor["location_country"] = countries
    per_actor["location_rule"] = rules
    per_actor["location"] = [group_country(c, greater_china) for c in countries]

    share_rows = []
    total_actors = len(per_actor)
    total_events = int(events.sum())
    for method in METHODS:
        for group in GROUPS:
            mask = (per_actor[method] == group).to_numpy()
            if method == "utc-hour":  # the paper's rule is per event: count events by their own hour
                n_events = (
                    int(before.sum())
                    if group == "CN"
                    else int((events - before).sum())
                    if group == "US"
                    else 0
                )
            else:
                n_events = int(events[mask].sum())
            share_rows.append(
                {
                    "method": method,
                    "group": group,
                    "actors": int(mask.sum()),
                    "actor_share": mask.sum() / total_actors if total_actors else float("nan"),
                    "events": n_events,
                    "event_share": n_events / total_events if total_events else float("nan"),
                }
            )
    shares = pd.DataFrame(share_rows)

    agreement_rows = []
    for i, method_a in enumerate(METHODS):
        for method_b in METHODS[i + 1 :]:
            both = (per_actor[method_a] != "unknown") & (per_actor[method_b] != "unknown")
            a = per_actor.loc[both, method_a].tolist()
            b = per_actor.loc[both, method_b].tolist()
            agreement_rows.append(
                {
                    "method_a": method_a,
                    "method_b": method_b,
                    "n_both": len(a),
                    "agreement": (sum(x == y for x, y in zip(a, b, strict=True)) / len(a))
                    if a
                    else float("nan"),
                    "kappa": cohen_kappa(a, b),
                }
            )
    agreement = pd.DataFrame(agreement_rows)
    settings = {
        "cutoff_hour": int(cutoff_hour),
        "min_events": int(min_events),
        "min_margin": float(min_margin),
        "profile_method": profile_method,
        "greater_china": bool(greater_china),
    }
    profiles = {
        "users_with_records": int(len(latest)),
        "logins_with_several_records": several,
        "rule": PROFILE_RULE,
        "actors_with_record": int(sum(r != "no user record" for r in rules)),
    }
    return Attribution(per_actor, shares, agreement, settings, profiles, sources=list(geocoder.sources))
