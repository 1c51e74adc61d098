"""The dashboard's JSON API: each route takes the query parameters and returns a JSON-ready dict.

Routes call the same library functions as the CLI (no logic of their own beyond parsing), and every
payload carries its ``sources``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from valuechain.errors import InputError

Route = Callable[[dict[str, str]], dict[str, Any]]

MAP_AXES = {"x": ("c", 0.1, 5.0), "y": ("k", 0.1, 5.0)}


def _market_parameters(params: dict[str, str]) -> Any:
    from valuechain.market.parameters import PARAMETER_TABLE, Parameters, parse_number

    values = {name: parse_number(name, raw) for name, raw in params.items() if name in PARAMETER_TABLE}
    return Parameters(**values)


def market_solve(params: dict[str, str]) -> dict[str, Any]:
    """The equilibrium at the query's parameters (``/api/market/solve?c=1.5&gamma=0.3``)."""
    from valuechain.market.equilibrium import solve

    eq = solve(_market_parameters(params)).require()
    return {**eq.to_dict(), "sources": [_market_source()]}


def market_map(params: dict[str, str]) -> dict[str, Any]:
    """Marginal effects of one policy over c × k (``/api/market/map?policy=subsidy&n=60``).

    ``outcomes`` has one matrix per outcome (CS — net of the subsidy's cost for the subsidy —, Π, π)
    and ``win_win_win`` (1 where all three rise, 0 where not, null where no equilibrium).
    """
    import numpy as np

    from valuechain.market.policy import Axis, policy_map

    try:
        n = int(params.get("n", "60"))
    except ValueError:
        raise InputError(f"The grid size n must be a whole number, got {params.get('n')!r}.") from None
    if not 2 <= n <= 400:
        raise InputError(f"The grid size n must be between 2 and 400, got {n}.")
    policy = params.get("policy", "price")
    base = {k: v for k, v in params.items() if k not in ("c", "k")}
    x = Axis(MAP_AXES["x"][0], np.linspace(MAP_AXES["x"][1], MAP_AXES["x"][2], n))
    y = Axis(MAP_AXES["y"][0], np.linspace(MAP_AXES["y"][1], MAP_AXES["y"][2], n))
    pmap = policy_map(policy, x, y, _market_parameters(base))
    cs, provider, firm = pmap.outcomes
    www = np.where(pmap.exists, pmap.win_win_win.astype(float), np.nan)
    return {
        "policy": policy, "x_name": x.name, "y_name": y.name,
        "x": x.values.tolist(), "y": y.values.tolist(),
        "outcomes": {"consumer_surplus": pmap.effects[cs], "provider_profit": pmap.effects[provider],
                     "firm_profit": pmap.effects[firm], "win_win_win": www},
        "consumer_surplus_measure": cs,
        "share_positive": pmap.share_positive(),
        "sources": [_market_source()],
    }


def _market_source() -> dict[str, Any]:
    from valuechain.output import source

    return source("valuechain market model: our reconstruction of Qian, Mehra & Liu (arXiv 2603.12630)",
                  "valuechain.market (closed form)")


@lru_cache(maxsize=1)
def _catalog_payload() -> dict[str, Any]:
    from valuechain.audit.catalog import load_catalog
    from valuechain.audit.ranking import audit_catalog
    from valuechain.output import source

    frame = audit_catalog()
    levels = (frame[["governance_level", "governance_model"]].drop_duplicates()
              .sort_values("governance_level")["governance_model"].tolist())
    rows = [
        {"name": r.name, "country": r.country, "organisation": r.organisation,
         "governance_model": r.governance_model, "governance_level": int(r.governance_level),
         "release_date": str(r.release_date),
         "openness_score": None if r.eosai_score != r.eosai_score else float(r.eosai_score),
         "mof_class": r.mof_class, "solaiman": r.solaiman, "verified": r.verified}
        for r in frame.itertuples()
    ]
    sources = [source("valuechain curated catalogue", "valuechain/audit/data (shipped with the package)",
                      releases=len(load_catalog()))]
    return {"rows": rows, "levels": levels, "sources": sources,
            "note": "Governance types are our operationalisation of Foster (arXiv 2509.10220)."}


def audit_catalog(params: dict[str, str]) -> dict[str, Any]:
    """The curated catalogue, audited and ranked (``/api/audit/catalog``)."""
    return _catalog_payload()


@lru_cache(maxsize=4)
def _lineage_payload(top: int) -> dict[str, Any]:
    from valuechain import config
    from valuechain.ecosystem.lineage import analyse_lineage, read_edges_csv
    from valuechain.output import source

    path = config.data_dir() / "ecosystem" / "hf-lineage" / "edges-text-generation-2025-06.csv"
    if not path.exists():
        raise InputError(f"The reference edge list {path} is missing; set VALUECHAIN_DATA.")
    result = analyse_lineage(read_edges_csv(path))
    return {"families": result.to_list(top),
            "sources": [source("Hugging Face lineage edges (hakanotal/hf-dep-network-analysis, 2025-06)", str(path))]}


def ecosystem_lineage(params: dict[str, str]) -> dict[str, Any]:
    """The largest model families on the reference edge list (``/api/ecosystem/lineage?top=25``)."""
    try:
        top = int(params.get("top", "25"))
    except ValueError:
        raise InputError(f"top must be a whole number, got {params.get('top')!r}.") from None
    return _lineage_payload(max(1, min(top, 200)))


def policy_timeline(params: dict[str, str]) -> dict[str, Any]:
    """The curated policy timeline (``/api/policy/timeline?country=CN``)."""
    from valuechain.policy.timeline import timeline, timeline_sources

    events = timeline(country=params.get("country") or None, since=params.get("since") or None)
    return {"events": [e.to_dict() for e in events], "sources": timeline_sources()}


ROUTES: dict[str, Route] = {
    "market/solve": market_solve,
    "market/map": market_map,
    "audit/catalog": audit_catalog,
    "ecosystem/lineage": ecosystem_lineage,
    "policy/timeline": policy_timeline,
}
