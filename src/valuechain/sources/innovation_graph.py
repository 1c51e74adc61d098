"""Reader of the GitHub Innovation Graph CSVs (economy × quarter, 2020Q1 onwards; CC0-1.0).

Facts the reader respects:
- ``iso2_code`` is read as text with pandas' default NA strings switched off, so Namibia's ``NA`` is a
  country code, not a missing value (an empty cell is still missing);
- the ``EU`` aggregate is dropped (its members are also listed one by one);
- a cell is published only when at least 100 developers did the activity in the quarter: an absent
  economy × quarter row is *suppressed*, never zero.  :meth:`InnovationGraph.suppressed_cells`
  counts them against the economies that report the metric in some quarter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from valuechain.errors import InputError

#: Economy-level metric files (value column = file stem).
ECONOMY_METRICS = ("developers", "organizations", "repositories", "git_pushes")
#: Aggregates that are not economies.
AGGREGATES = frozenset({"EU"})
SOURCE_NAME = "GitHub Innovation Graph"
SOURCE_URL = "https://github.com/github/innovationgraph"


def default_directory() -> Path:
    from valuechain import config

    return config.data_dir() / "ecosystem" / "github-innovation-graph"


def _read_csv(path: Path, value: str, keys: list[str]) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(f"The Innovation Graph file {path} does not exist.")
    text_columns = {k: "string" for k in keys if k not in ("year", "quarter")}
    try:
        frame = pd.read_csv(
            path,
            dtype={**text_columns, "year": "Int64", "quarter": "Int64"},
            keep_default_na=False,
            na_values={value: [""], "year": [""], "quarter": [""]},
        )
    except (ValueError, pd.errors.ParserError) as exc:
        raise InputError(f"The Innovation Graph file {path} is not a readable CSV: {exc}.") from exc
    missing = [c for c in (value, *keys) if c not in frame.columns]
    if missing:
        raise InputError(f"The Innovation Graph file {path} has no column {missing[0]!r}.")
    frame[value] = pd.to_numeric(frame[value], errors="coerce")
    return frame


def quarter_start(year: pd.Series, quarter: pd.Series) -> pd.Series:
    """First day of each quarter as a Timestamp (2022, 4 -> 2022-10-01)."""
    return pd.to_datetime({"year": year.astype(int), "month": (quarter.astype(int) - 1) * 3 + 1, "day": 1})


@dataclass
class InnovationGraph:
    """The economy metrics (long: iso2_code, period, year, quarter, metric, value) and topic pushers."""

    directory: Path
    economy: pd.DataFrame
    topics: pd.DataFrame  # iso2_code, period, year, quarter, topic, num_pushers
    dropped_aggregates: dict[str, int] = field(default_factory=dict)

    @property
    def quarters(self) -> list[pd.Timestamp]:
        return sorted(pd.Timestamp(p) for p in self.economy["period"].unique())

    def metric(self, name: str) -> pd.DataFrame:
        """``iso2_code, period, value`` for one economy metric (published cells only)."""
        if name not in ECONOMY_METRICS:
            raise InputError(
                f"Unknown Innovation Graph metric {name!r}; use one of {', '.join(ECONOMY_METRICS)}."
            )
        return self.economy.loc[self.economy["metric"] == name, ["iso2_code", "period", "value"]].reset_index(
            drop=True
        )

    def topic(self, name: str) -> pd.DataFrame:
        """``iso2_code, period, value`` (pushers) for one topic (published cells only)."""
        rows = self.topics[self.topics["topic"] == name]
        return rows.rename(columns={"num_pushers": "value"})[["iso2_code", "period", "value"]].reset_index(
            drop=True
        )

    def suppressed_cells(self, cells: pd.DataFrame, economies: list[str] | None = None) -> int:
        """Economy × quarter cells with no published value, over ``economies`` (default: those that
        appear in ``cells``) and every quarter of the data."""
        economies = economies if economies is not None else sorted(cells["iso2_code"].unique())
        published = cells[cells["iso2_code"].isin(economies)].drop_duplicates(["iso2_code", "period"])
        return len(economies) * len(self.quarters) - len(published)


def read_innovation_graph(directory: str | Path | None = None) -> InnovationGraph:
    """Read ``data/{developers,organizations,repositories,git_pushes,topics}.csv`` under ``directory``."""
    base = Path(directory) if directory is not None else default_directory()
    if not base.is_dir():
        raise InputError(f"The Innovation Graph directory {base} does not exist.")
    data = base / "data" if (base / "data").is_dir() else base
    frames = []
    dropped: dict[str, int] = {}
    for metric in ECONOMY_METRICS:
        frame = _read_csv(data / f"{metric}.csv", metric, ["iso2_code", "year", "quarter"])
        is_aggregate = frame["iso2_code"].isin(AGGREGATES)
        dropped[metric] = int(is_aggregate.sum())
        frame = frame[~is_aggregate & frame["iso2_code"].notna()]
        frames.append(frame.rename(columns={metric: "value"}).assign(metric=metric))
    economy = pd.concat(frames, ignore_index=True)
    economy["period"] = quarter_start(economy["year"], economy["quarter"])
    topics = _read_csv(data / "topics.csv", "num_pushers", ["topic", "iso2_code", "year", "quarter"])
    dropped["topics"] = int(topics["iso2_code"].isin(AGGREGATES).sum())
    topics = topics[~topics["iso2_code"].isin(AGGREGATES) & topics["iso2_code"].notna()].reset_index(
        drop=True
    )
    topics["period"] = quarter_start(topics["year"], topics["quarter"])
    economy["iso2_code"] = economy["iso2_code"].astype(str)
    topics["iso2_code"] = topics["iso2_code"].astype(str)
    topics["topic"] = topics["topic"].astype(str)
    return InnovationGraph(directory=base, economy=economy, topics=topics, dropped_aggregates=dropped)
