"""Developer engagement with open LLM repositories by country, and the export-control event study.

The public API (imported lazily, so that ``import valuechain.engagement`` stays cheap):

- :func:`ingest` GH Archive hours into the store (:class:`IngestResult`);
- repository sets: :func:`opendigger_label`, :func:`model_orgs`, :func:`placebo_repos`,
  :func:`read_repo_list`, :func:`fixed_as_of` (:class:`RepoSet`);
- :func:`build_panel` → :class:`Panel` (repository × group × period, zero-filled; Ibis on DuckDB or Spark);
- :func:`estimate_engagement` → :class:`EngagementStudy` (DiD and event study per attribution method);
- full history on Spark: :func:`spark_raw_events` and :func:`clean_events_expr` (the ingest rules in Ibis);
- :func:`simulate_hours` writes generated GH Archive hours with a planted effect (demonstrations, tests).
"""

from __future__ import annotations

from valuechain.exports import lazy_exports

_EXPORTS: dict[str, str] = {
    "ingest": "valuechain.engagement.events",
    "IngestResult": "valuechain.engagement.events",
    "EVENTS_SCHEMA": "valuechain.engagement.events",
    "KEPT_TYPES": "valuechain.engagement.events",
    "RepoSet": "valuechain.engagement.repos",
    "opendigger_label": "valuechain.engagement.repos",
    "model_orgs": "valuechain.engagement.repos",
    "placebo_repos": "valuechain.engagement.repos",
    "read_repo_list": "valuechain.engagement.repos",
    "from_model_cards": "valuechain.engagement.repos",
    "fixed_as_of": "valuechain.engagement.repos",
    "Panel": "valuechain.engagement.panel",
    "build_panel": "valuechain.engagement.panel",
    "OUTCOMES": "valuechain.engagement.panel",
    "EngagementStudy": "valuechain.engagement.study",
    "estimate_engagement": "valuechain.engagement.study",
    "spark_raw_events": "valuechain.engagement.fullhistory",
    "clean_events_expr": "valuechain.engagement.fullhistory",
    "simulate_hours": "valuechain.engagement.simulate",
    "Simulation": "valuechain.engagement.simulate",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
