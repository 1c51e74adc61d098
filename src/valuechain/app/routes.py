"""The dashboard's JSON API: each route takes the query parameters and returns a JSON-ready dict.

Routes call the same library functions as the CLI (no logic of their own beyond parsing), and every
payload carries its ``sources``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from valuechain.errors import InputError

Route = Callable[[dict[str, str]], dict[str, Any]]
T = TypeVar("T")


def single_flight(function: Callable[..., T] | None = None, *, maxsize: int | None = None) -> Any:
    """Cache ``function`` by its arguments and compute each result once: concurrent callers with the same
    arguments wait for the first one instead of computing the same thing again (errors are not cached).
    With ``maxsize`` the oldest results are dropped beyond that many (for user-chosen parameters)."""

    def decorate(function: Callable[..., T]) -> Callable[..., T]:
        results: OrderedDict[tuple[Any, ...], T] = OrderedDict()
        locks: dict[tuple[Any, ...], threading.Lock] = {}
        guard = threading.Lock()

        @wraps(function)
        def wrapper(*args: Any) -> T:
            with guard:
                if args in results:
                    return results[args]
                lock = locks.setdefault(args, threading.Lock())
            with lock:
                with guard:
                    if args in results:
                        return results[args]
                value = function(*args)
                with guard:
                    results[args] = value
                    locks.pop(args, None)
                    while maxsize is not None and len(results) > maxsize:
                        results.popitem(last=False)
            return value

        wrapper.cache_clear = results.clear  # type: ignore[attr-defined]
        return wrapper

    return decorate(function) if function is not None else decorate


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
    """Marginal effects of one policy over c × k (``/api/market/map?policy=subsidy&n=60``), cached by query."""
    return _market_map(tuple(sorted(params.items())))


@single_flight(maxsize=64)
def _market_map(items: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    params = dict(items)
    return _compute_market_map(params)


def _compute_market_map(params: dict[str, str]) -> dict[str, Any]:
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


@single_flight
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


@single_flight
def _lineage_families() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from valuechain import config
    from valuechain.ecosystem.lineage import analyse_lineage, read_edges_csv
    from valuechain.output import source

    path = config.data_dir() / "ecosystem" / "hf-lineage" / "edges-text-generation-2025-06.csv"
    if not path.exists():
        raise InputError(f"The reference edge list {path} is missing; set VALUECHAIN_DATA.")
    result = analyse_lineage(read_edges_csv(path))
    return (result.to_list(MAX_TOP),
            [source("Hugging Face lineage edges (hakanotal/hf-dep-network-analysis, 2025-06)", str(path))])


MAX_TOP = 200


def _lineage_payload(top: int) -> dict[str, Any]:
    families, sources = _lineage_families()  # computed once for every --top
    return {"families": families[:top], "sources": sources}


def ecosystem_lineage(params: dict[str, str]) -> dict[str, Any]:
    """The largest model families on the reference edge list (``/api/ecosystem/lineage?top=25``)."""
    try:
        top = int(params.get("top", "25"))
    except ValueError:
        raise InputError(f"top must be a whole number, got {params.get('top')!r}.") from None
    if not 1 <= top <= MAX_TOP:
        raise InputError(f"top must be between 1 and {MAX_TOP}, got {top}.")
    return _lineage_payload(top)


def policy_timeline(params: dict[str, str]) -> dict[str, Any]:
    """The curated policy timeline (``/api/policy/timeline?country=CN``), cached by query."""
    return _policy_timeline(tuple(sorted(params.items())))


@single_flight(maxsize=64)
def _policy_timeline(items: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    params = dict(items)
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


def allowed_parameters(route: str) -> frozenset[str]:
    """The query parameters a route accepts; anything else is refused (as the CLI refuses unknown options)."""
    from valuechain.market.parameters import PARAMETER_TABLE

    market = frozenset(PARAMETER_TABLE)
    return {
        "market/solve": market,
        "market/map": market | {"policy", "n"},
        "audit/catalog": frozenset(),
        "ecosystem/lineage": frozenset({"top"}),
        "policy/timeline": frozenset({"country", "since"}),
    }[route]


def warm_up() -> None:
    """Compute the slow, parameter-free payloads once (the server calls this in a background thread)."""
    _catalog_payload()
    try:
        _lineage_families()
    except InputError:
        pass  # no reference data: the route answers with its sentence
