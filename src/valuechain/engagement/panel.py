"""Engagement panels: repository × group × period counts, written once with Ibis (DuckDB or PySpark).

For each repository :math:`r`, group :math:`g` and period :math:`t` (week starting Monday, day, or
month, all in UTC):

- ``forks`` :math:`= \\#\\{e: \\text{type}(e)=\\text{ForkEvent}, r(e)=r, g(e)=g, t(e)=t\\}`, likewise
  ``stars`` (WatchEvent), ``issues`` (IssuesEvent), ``pull_requests`` (PullRequestEvent), ``pushes``
  (PushEvent);
- ``actors`` = the number of distinct actors with any kept event in the cell.

Group of an event :math:`g(e)`:

- ``utc-hour``: the paper's proxy, per event: ``CN`` when the UTC hour of ``created_at`` is before the
  cut-off (17 by default), else ``US``;
- any other method: the group of the event's actor from an actor → group table (``actor_id, group``,
  from :mod:`valuechain.engagement.attribution`); actors not in it are ``unknown``.

The counting (:func:`panel_expr`) is one Ibis expression, so the same code runs on DuckDB (default) and
on local or cluster PySpark (:func:`valuechain.ecosystem.pipeline.spark_backend`-style backends); the
zero-filling of empty cells (:func:`zero_fill`) runs in pandas on the small aggregated result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from valuechain.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from valuechain.store import Store

#: Outcome column -> GH Archive event type (``actors`` counts distinct actors of any kept type).
OUTCOME_TYPES: dict[str, str] = {
    "forks": "ForkEvent",
    "stars": "WatchEvent",
    "issues": "IssuesEvent",
    "pull_requests": "PullRequestEvent",
    "pushes": "PushEvent",
}
OUTCOMES: tuple[str, ...] = (*OUTCOME_TYPES, "actors")
PERIODS: dict[str, str] = {"day": "D", "week": "W", "month": "M"}
UTC_HOUR_METHOD = "utc-hour"
#: Groups of the UTC-hour proxy and of the actor-based methods.
UTC_HOUR_GROUPS: tuple[str, ...] = ("CN", "US")
ACTOR_GROUPS: tuple[str, ...] = ("CN", "US", "other", "unknown")
DEFAULT_CUTOFF_HOUR = 17
PANEL_COLUMNS: tuple[str, ...] = ("repo_id", "repo_name", "group", "period", *OUTCOMES)


@dataclass
class Panel:
    """A zero-filled repository × group × period panel (``frame``) and how it was made."""

    frame: pd.DataFrame
    method: str
    period: str
    groups: tuple[str, ...]
    cutoff_hour: int | None = None
    notes: list[str] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)

    def tidy(self) -> pd.DataFrame:
        """The long panel: ``repo_id, repo_name, group, period, forks, stars, issues, pull_requests,
        pushes, actors``."""
        return self.frame

    def totals(self) -> pd.DataFrame:
        """Sums of the outcomes per group (``actors`` summed over cells, so actors count once per cell)."""
        return self.frame.groupby("group", as_index=False)[list(OUTCOMES)].sum()

    def series(self, outcome: str = "forks") -> pd.DataFrame:
        """Per period × group: the outcome summed over repositories (wide, one column per group)."""
        check_outcome(outcome)
        wide = self.frame.pivot_table(
            index="period", columns="group", values=outcome, aggfunc="sum", fill_value=0
        )
        return wide.reindex(columns=list(self.groups), fill_value=0)

    def summary(self) -> str:
        frame = self.frame
        periods = frame["period"].nunique()
        span = (
            f"{frame['period'].min():%Y-%m-%d} to {frame['period'].max():%Y-%m-%d}" if len(frame) else "empty"
        )
        totals = self.totals().set_index("group")
        parts = ", ".join(
            f"{g}: {int(totals.at[g, 'forks']) if g in totals.index else 0:,} forks" for g in self.groups
        )
        return (
            f"{frame['repo_id'].nunique():,} repositories × {len(self.groups)} groups × {periods} "
            f"{self.period}s ({span}), attribution {self.method}; {parts}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "period": self.period,
            "groups": list(self.groups),
            "cutoff_hour": self.cutoff_hour,
            "repositories": int(self.frame["repo_id"].nunique()),
            "periods": int(self.frame["period"].nunique()),
            "rows": len(self.frame),
            "totals": self.totals().to_dict(orient="records"),
            "notes": self.notes,
        }


def check_outcome(outcome: str) -> str:
    if outcome not in OUTCOMES:
        raise InputError(f"Unknown outcome {outcome!r}; choose from {', '.join(OUTCOMES)}.")
    return outcome


def check_period(period: str) -> str:
    if period not in PERIODS:
        raise InputError(f"Unknown period {period!r}; choose from {', '.join(PERIODS)}.")
    return period


def events_table(store: Store) -> Any:
    """The store's ``gh_events`` as an Ibis table (DuckDB, same connection)."""
    from valuechain.engagement.events import require_events

    require_events(store)
    return store.ibis().table("gh_events")


def grouped_events(
    events: Any,
    *,
    method: str = UTC_HOUR_METHOD,
    actor_groups: Any = None,
    cutoff_hour: int = DEFAULT_CUTOFF_HOUR,
) -> Any:
    """``events`` (an Ibis table with ``created_at, actor_id``) with a ``group`` column (see module doc).

    ``actor_groups``: an Ibis table (or pandas frame, turned into an in-memory table) of ``actor_id,
    group`` for the actor-based methods.
    """
    import ibis

    if method == UTC_HOUR_METHOD:
        if not 0 <= cutoff_hour <= 24:
            raise InputError(f"The UTC-hour cut-off {cutoff_hour} is not an hour between 0 and 24.")
        group = ibis.cases((events.created_at.hour() < cutoff_hour, "CN"), else_="US")
        return events.mutate(group=group)
    if actor_groups is None:
        raise InputError(f"The attribution method {method!r} needs an actor → group table.")
    table = _as_actor_table(actor_groups)
    joined = events.left_join(table, events.actor_id == table.actor_id_g)
    return joined.mutate(group=joined.group_g.fill_null("unknown")).drop("actor_id_g", "group_g")


def _as_actor_table(actor_groups: Any) -> Any:
    import ibis
    import pandas as pd

    if isinstance(actor_groups, pd.DataFrame):
        frame = actor_groups.loc[:, ["actor_id", "group"]].drop_duplicates("actor_id")
        frame = pd.DataFrame(
            {
                "actor_id_g": frame["actor_id"].astype("int64"),
                "group_g": frame["group"].astype(object).astype(str),
            }
        )
        return ibis.memtable(frame)
    return actor_groups.select(actor_id_g=actor_groups.actor_id, group_g=actor_groups.group)


def panel_expr(grouped: Any, period: str = "week") -> Any:
    """Counts per repository × group × period (non-empty cells only) from events with a ``group``."""
    import ibis

    unit = PERIODS[check_period(period)]
    start = grouped.created_at.truncate(unit).cast("date").name("period")
    table = grouped.mutate(period=start)
    counts = {
        outcome: (table.type == event_type).ifelse(1, 0).sum()
        for outcome, event_type in OUTCOME_TYPES.items()
    }
    aggregated = table.group_by(["repo_id", "group", "period"]).aggregate(
        **counts, actors=table.actor_id.nunique()
    )
    _ = ibis  # the expression is backend-neutral
    return aggregated.order_by(["repo_id", "group", "period"])


def repo_names_expr(events: Any) -> Any:
    """The latest name of each repository (names change; ids do not)."""
    return events.group_by("repo_id").aggregate(repo_name=events.repo_name.argmax(events.created_at))


def zero_fill(
    counts: pd.DataFrame,
    names: pd.DataFrame,
    groups: tuple[str, ...],
    period: str,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """Every repository × group × period from ``start`` to ``end`` (default: the data's span), zeros
    where ``counts`` has no row; ordered by repository, group, period."""
    import pandas as pd

    counts = counts.copy()
    counts["period"] = pd.to_datetime(counts["period"]).astype("datetime64[ns]")
    if counts.empty:
        window = f" from {start} to {end}" if start is not None or end is not None else ""
        raise InputError(f"The window{window} is empty: no stored event falls in it.")
    first = pd.Timestamp(start) if start is not None else counts["period"].min()
    last = pd.Timestamp(end) if end is not None else counts["period"].max()
    periods = period_range(first, last, period)
    repos = names.sort_values("repo_id")
    index = pd.MultiIndex.from_product(
        [repos["repo_id"].astype("int64"), list(groups), periods], names=["repo_id", "group", "period"]
    )
    counts["repo_id"] = counts["repo_id"].astype("int64")
    full = counts.set_index(["repo_id", "group", "period"]).reindex(index, fill_value=0).reset_index()
    full = full.merge(repos[["repo_id", "repo_name"]].astype({"repo_id": "int64"}), on="repo_id", how="left")
    for outcome in OUTCOMES:
        full[outcome] = pd.to_numeric(full[outcome]).fillna(0).astype("int64")
    return full.loc[:, list(PANEL_COLUMNS)].reset_index(drop=True)


def period_start(day: date | datetime | pd.Timestamp, period: str) -> pd.Timestamp:
    """The start of the period containing ``day`` (weeks start on Monday)."""
    import pandas as pd

    stamp = pd.Timestamp(day).normalize()
    if period == "week":
        return stamp - pd.Timedelta(days=stamp.weekday())
    if period == "month":
        return stamp.replace(day=1)
    return stamp


def period_range(first: Any, last: Any, period: str) -> pd.DatetimeIndex:
    import pandas as pd

    freq = {"day": "D", "week": "W-MON", "month": "MS"}[check_period(period)]
    return pd.date_range(period_start(first, period), period_start(last, period), freq=freq)


def build_panel(
    events: Any,
    *,
    con: Any = None,
    method: str = UTC_HOUR_METHOD,
    actor_groups: Any = None,
    cutoff_hour: int = DEFAULT_CUTOFF_HOUR,
    period: str = "week",
    since: date | None = None,
    until: date | None = None,
    repo_ids: Any = None,
) -> Panel:
    """The zero-filled panel of ``events`` (an Ibis table or a store) on backend ``con``.

    ``events``: a :class:`~valuechain.store.Store` (its ``gh_events``) or an Ibis table with the
    ``gh_events`` columns; ``con``: the Ibis backend that runs it (default: the table's own);
    ``since``/``until``: keep events in ``[since, until)``; ``repo_ids``: restrict to these repositories.
    """
    import ibis

    from valuechain.store import Store

    check_period(period)
    table = events_table(events) if isinstance(events, Store) else events
    if since is not None:
        table = table.filter(table.created_at >= ibis.timestamp(_midnight(since)))
    if until is not None:
        table = table.filter(table.created_at < ibis.timestamp(_midnight(until)))
    if repo_ids is not None:
        table = table.filter(table.repo_id.isin([int(r) for r in repo_ids]))
    grouped = grouped_events(table, method=method, actor_groups=actor_groups, cutoff_hour=cutoff_hour)
    run = con.execute if con is not None else (lambda expr: expr.execute())
    counts = run(panel_expr(grouped, period))
    names = run(repo_names_expr(table))
    groups = UTC_HOUR_GROUPS if method == UTC_HOUR_METHOD else ACTOR_GROUPS
    end = None
    if until is not None:
        import pandas as pd

        end = (pd.Timestamp(until) - pd.Timedelta(days=1)).date()
    frame = zero_fill(counts, names, groups, period, start=since, end=end)
    notes = []
    if method == UTC_HOUR_METHOD:
        notes.append(
            f"UTC-hour proxy: an event before {cutoff_hour}:00 UTC counts as CN, any other as US "
            "(the paper's design; Europe, India and the rest of Asia are active before 17:00 UTC too)."
        )
    return Panel(frame, method, period, groups, cutoff_hour if method == UTC_HOUR_METHOD else None, notes)


def _midnight(day: date | datetime) -> datetime:
    if isinstance(day, datetime):
        return day
    return datetime(day.year, day.month, day.day)
