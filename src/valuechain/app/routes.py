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

from valuechain.errors import InputError, NoEquilibriumError

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

    parameters = _market_parameters(params)
    eq = solve(parameters)
    if not eq.exists:
        raise NoEquilibriumError(no_equilibrium_in_words(parameters))
    return {**eq.to_dict(), "sources": [_market_source()]}


#: The library's existence conditions (:func:`valuechain.market.equilibrium.violated_conditions`, by the
#: start of its sentence) said in words for the page, without formulas.
EXISTENCE_IN_WORDS = {
    "the demand margin": "demand is too weak: the demand intercept plus the value of the base model's quality "
    "does not cover the compute cost of serving consumers (lower c or raise a)",
    "the effective data-unit cost": "fine-tuning data is too cheap for what the firms' effort earns, so their "
    "effort would have no finite best level (raise c or k, or lower the "
    "subsidy s)",
    "rho_s": "with these competition intensities the provider would want to sell compute below its cost, a case "
    "the model's closed form does not cover (change γ or δ)",
}


def no_equilibrium_in_words(parameters: Any) -> str:
    """One sentence, without formulas, saying why there is no equilibrium at ``parameters``."""
    from valuechain.market.equilibrium import violated_conditions

    reasons = [
        next(
            (words for start, words in EXISTENCE_IN_WORDS.items() if sentence.startswith(start)),
            "an existence condition of the model fails",
        )
        for sentence in violated_conditions(parameters)
    ]
    return (
        "No equilibrium at these values (outside the existence region of the model): "
        + "; and ".join(reasons or ["an existence condition of the model fails"])
        + "; move the sliders back to where the map is coloured."
    )


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
        "policy": policy,
        "x_name": x.name,
        "y_name": y.name,
        "x": x.values.tolist(),
        "y": y.values.tolist(),
        "outcomes": {
            "consumer_surplus": pmap.effects[cs],
            "provider_profit": pmap.effects[provider],
            "firm_profit": pmap.effects[firm],
            "win_win_win": www,
        },
        "consumer_surplus_measure": cs,
        "share_positive": pmap.share_positive(),
        "sources": [_market_source()],
    }


def _market_source() -> dict[str, Any]:
    from valuechain.output import source

    return source(
        "valuechain market model: our reconstruction of Qian, Mehra & Liu (arXiv 2603.12630)",
        "valuechain.market (closed form)",
    )


@single_flight
def _catalog_payload() -> dict[str, Any]:
    from valuechain.audit import audit_catalog, load_catalog
    from valuechain.output import source
    from valuechain.reference.colours import colour_of

    frame = audit_catalog()
    levels = (
        frame[["governance_level", "governance_model"]]
        .drop_duplicates()
        .sort_values("governance_level")["governance_model"]
        .tolist()
    )
    rows = [
        {
            "id": r.id,
            "name": r.name,
            "country": r.country,
            "colour": colour_of(r.country),
            "organisation": r.organisation,
            "governance_model": r.governance_model,
            "governance_level": int(r.governance_level),
            "release_date": str(r.release_date),
            "openness_score": None if r.eosai_score != r.eosai_score else float(r.eosai_score),
            "mof_class": r.mof_class,
            "solaiman": r.solaiman,
            "verified": r.verified,
        }
        for r in frame.itertuples()
    ]
    sources = [
        source(
            "valuechain curated catalogue",
            "valuechain/audit/data (shipped with the package)",
            releases=len(load_catalog()),
        )
    ]
    return {
        "rows": rows,
        "levels": levels,
        "sources": sources,
        "note": "Governance types are our operationalisation of Foster (arXiv 2509.10220).",
    }


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
    return (
        result.to_list(MAX_TOP),
        [source("Hugging Face lineage edges (hakanotal/hf-dep-network-analysis, 2025-06)", str(path))],
    )


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


# -- shared: paths without the machine's directories, colours, events --------------------------------------
def portable(value: Any) -> Any:
    """``value`` with absolute paths under the data directory or the package shown as ``$VALUECHAIN_DATA/…``
    and ``valuechain/…`` (a dashboard shows where a number comes from, not this machine's layout)."""
    from pathlib import Path

    from valuechain import config

    prefixes = [
        (str(config.data_dir()).rstrip("/") + "/", "$VALUECHAIN_DATA/"),
        (str(Path(__file__).resolve().parents[1]).rstrip("/") + "/", "valuechain/"),
    ]

    def clean(item: Any) -> Any:
        if isinstance(item, str):
            for prefix, name in prefixes:
                if prefix in item:
                    item = item.replace(prefix, name)
            return item
        if isinstance(item, dict):
            return {key: clean(inner) for key, inner in item.items()}
        if isinstance(item, list | tuple):
            return [clean(inner) for inner in item]
        return item

    return clean(value)


def _events() -> list[dict[str, str]]:
    """The shocks and confounders (``valuechain.reference.events``), in date order, for marking series."""
    from valuechain.reference.events import EVENTS

    return [
        {"date": e.day.isoformat(), "label": e.label, "kind": e.kind}
        for e in sorted(EVENTS, key=lambda e: e.day)
    ]


def meta(params: dict[str, str]) -> dict[str, Any]:
    """What every page shares (``/api/meta``): one colour per country, the dated events, the market
    colours."""
    return _meta_payload()


@single_flight
def _meta_payload() -> dict[str, Any]:
    from valuechain.market.policy import FALLS_COLOR, NOT_WWW_COLOR, RISES_COLOR, WWW_COLOR
    from valuechain.output import source
    from valuechain.reference.colours import country_colours

    return {
        "colours": country_colours(),
        "events": _events(),
        "market_colours": {
            "win_win_win": WWW_COLOR,
            "not_win_win_win": NOT_WWW_COLOR,
            "rises": RISES_COLOR,
            "falls": FALLS_COLOR,
        },
        "sources": [
            source(
                "valuechain reference tables (colours, shocks and confounders)", "valuechain/reference/data"
            )
        ],
    }


# -- findings ---------------------------------------------------------------------------------------------
@single_flight
def _findings_payload() -> dict[str, Any]:
    from valuechain.findings import build_ledger

    ledger = build_ledger().to_dict()
    sources: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for claim in ledger["claims"]:
        claim["paper"] = claim["id"][0]
        for item in claim.get("sources") or []:
            key = (str(item.get("name")), str(item.get("location")))
            if key not in seen:
                seen.add(key)
                sources.append(item)
    return portable({**ledger, "sources": sources})


def findings(params: dict[str, str]) -> dict[str, Any]:
    """The findings ledger: every claim with its test, data, criterion, number and verdict
    (``/api/findings``, computed once, in the background warm-up)."""
    return _findings_payload()


# -- audit: one release, for the search and the comparison -------------------------------------------------
def audit_model(params: dict[str, str]) -> dict[str, Any]:
    """One catalogue release's evidence and verdicts, each with its source (``/api/audit/model?id=qwen2-72b``)."""
    from valuechain.audit.catalog import find_entry, suggest_entries

    ref = params.get("id", "").strip()
    if not ref:
        raise InputError("Give the release to show as id=NAME (a catalogue id or name).")
    entry = find_entry(ref)
    if entry is None:
        close = suggest_entries(ref)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise InputError(f"{ref!r} is not a release of the curated catalogue{hint}.")
    return _audit_model(entry.id)


def _lever_rows(result: Any) -> list[dict[str, Any]]:
    licence = result.licence or {}
    sentences = licence.get("evidence") or {}
    levers = list(result.governance.licence_levers)
    source_name = licence.get("source")
    return [
        {
            "lever": lever,
            "sentence": sentences.get(lever),
            "source": source_name
            if sentences.get(lever)
            else "curated catalogue (licence text not in the reference set)",
        }
        for lever in levers
    ]


@single_flight(maxsize=256)
def _audit_model(entry_id: str) -> dict[str, Any]:
    from valuechain.audit import audit_entry
    from valuechain.audit.catalog import find_entry
    from valuechain.reference.colours import colour_of

    entry = find_entry(entry_id)
    assert entry is not None
    result = audit_entry(entry)
    data = result.to_dict()
    governance, scores = data["governance"], data["scores"]

    def sources_of(*components: str) -> str:
        found = sorted(
            {e["source"] for e in data["evidence"] if not components or e["component"] in components}
        )
        return "; ".join(found) or "no evidence record"

    fields = {
        "governance_model": {
            "value": governance["label"],
            "detail": f"rule {governance['rule_id']}",
            "why": governance["reasons"],
            "source": "valuechain/audit/data/governance_rules.yml",
        },
        "value_chain_type": {
            "value": governance["ghs_type"],
            "detail": "Gereffi, Humphrey & Sturgeon type",
            "why": [governance["explanation"]],
            "source": "valuechain/audit/data/governance_rules.yml",
        },
        "solaiman": {
            "value": f"level {scores['solaiman']['level']}: {scores['solaiman']['name']}",
            "why": scores["solaiman"].get("reasons", []),
            "source": sources_of("Model parameters (Final)", "API access"),
        },
        "mof_class": {
            "value": scores["mof"].get("mof_class"),
            "detail": scores["mof"].get("derived_from"),
            "why": scores["mof"].get("warnings", []),
            "source": scores["mof"].get("source"),
        },
        "osaid": {
            "value": "conformant" if scores["osaid"].get("conformant") else "not conformant",
            "why": scores["osaid"].get("failing", []),
            "source": f"the {len(data['evidence'])} evidence records below, each with its source",
        },
        "eosai_score": {
            "value": None
            if scores["eosai"].get("score") is None
            else round(float(scores["eosai"]["score"]), 3),
            "detail": f"{scores['eosai'].get('applicable')} parameters applicable",
            "why": [],
            "source": "European Open Source AI Index method, on the evidence records below",
        },
        "licence": {
            "value": (data.get("catalogue") or {}).get("licence_id") or result.summary()["licence_id"],
            "detail": f"class {data['fields']['licence_class']}",
            "why": data["field_notes"],
            "source": (result.licence or {}).get("source") or "curated catalogue",
        },
    }
    return portable(
        {
            "id": entry.id,
            "name": result.name,
            "organisation": result.organisation,
            "country": result.country,
            "colour": colour_of(result.country),
            "release_date": result.release_date,
            "fields": fields,
            "levers": _lever_rows(result),
            "evidence": [{k: v for k, v in e.items() if k != "extra"} for e in data["evidence"]],
            "note": governance.get("note"),
            "sources": data["sources"],
        }
    )


# -- diffusion: the DeepSeek-R1 tree's monthly series by origin --------------------------------------------
@single_flight
def _diffusion_payload() -> dict[str, Any]:
    from datetime import date

    from valuechain import config
    from valuechain.ecosystem import diffusion as diff
    from valuechain.ecosystem.hf_import import import_file
    from valuechain.ecosystem.report import R1_INFO, SOURCES
    from valuechain.output import source
    from valuechain.store import Store

    path = config.data_dir() / R1_INFO
    if not path.exists():
        raise InputError(
            f"The DeepSeek-R1 tree {R1_INFO} is missing under the data directory; set VALUECHAIN_DATA."
        )
    with Store(":memory:") as store:  # as `valuechain hf import` does, into a temporary store
        import_file(store, path)
        data = diff.load_from_store(store)
    wide = diff.by_origin_wide(diff.monthly_series(data.derivatives))
    created = data.derivatives["created_at"].dropna()
    last_day = created.max().date() if len(created) else None
    partial = None
    if last_day is not None:
        next_month = date(last_day.year + last_day.month // 12, last_day.month % 12 + 1, 1)
        if (next_month - last_day).days > 1:
            partial = f"{last_day:%Y-%m}"
    return {
        "months": [f"{m:%Y-%m}" for m in wide["month"]],
        "series": {group: wide[group].astype(int).tolist() for group in diff.GROUPS},
        "groups": list(diff.GROUPS),
        "total": int(len(data.derivatives)),
        "partial_month": partial,
        "snapshot": SOURCES["r1"][1],
        "population": (
            "One family's tree: the DeepSeek-R1 derivative tree on the Hugging Face Hub "
            f"(huggingface_hub records of {SOURCES['r1'][1]}), each derivative counted once by the "
            "origin of its root base model(s); it is not the whole Hub."
        ),
        "events": _events(),
        "sources": portable([source(SOURCES["r1"][0], str(path), retrieved=SOURCES["r1"][1])]),
    }


def ecosystem_diffusion(params: dict[str, str]) -> dict[str, Any]:
    """New derivatives per month by origin of their root base model, for the DeepSeek-R1 tree
    (``/api/ecosystem/diffusion``), with the shocks and confounders."""
    return _diffusion_payload()


# -- engagement: the GitHub Innovation Graph study ---------------------------------------------------------
def engagement_outcomes() -> tuple[str, ...]:
    from valuechain.engagement.innovation_graph import LLM_TOPICS, PROXY_TOPICS
    from valuechain.sources.innovation_graph import ECONOMY_METRICS

    return (*ECONOMY_METRICS, *(f"topic:{t}" for t in PROXY_TOPICS), *(f"topic:{t}" for t in LLM_TOPICS))


def _shocks() -> tuple[str, ...]:
    from valuechain.reference.events import SHOCKS

    return tuple(SHOCKS)


@single_flight
def _innovation_graph() -> Any:
    from valuechain.sources.innovation_graph import read_innovation_graph

    return read_innovation_graph()


def engagement_innovation_graph(params: dict[str, str]) -> dict[str, Any]:
    """China vs the other economies on the GitHub Innovation Graph
    (``/api/engagement/innovation-graph?shock=2022-10-07&outcome=developers``)."""
    shock = params.get("shock", "2022-10-07")
    outcome = params.get("outcome", "developers")
    if shock not in _shocks():
        raise InputError(
            f"The shock {shock!r} is not one of the export-control dates: {', '.join(_shocks())}."
        )
    if outcome not in engagement_outcomes():
        raise InputError(
            f"The outcome {outcome!r} is not offered; use one of {', '.join(engagement_outcomes())}."
        )
    return _innovation_graph_payload(shock, outcome)


@single_flight(maxsize=64)
def _innovation_graph_payload(shock: str, outcome: str) -> dict[str, Any]:
    from valuechain.engagement.innovation_graph import innovation_graph_study
    from valuechain.output import source

    graph = _innovation_graph()
    study = innovation_graph_study(shock=shock, outcome=outcome, graph=graph)
    series = study.series
    columns = [c for c in ("CN", "US", "others_median") if c in series]
    return portable(
        {
            **study.to_dict(),
            "series": {
                "period": [f"{p:%Y-%m-%d}" for p in series["period"]],
                **{c: [None if v != v else float(v) for v in series[c]] for c in columns},
            },
            "choices": {"outcomes": list(engagement_outcomes()), "shocks": list(_shocks())},
            "population": (
                "Aggregate GitHub activity per economy (GitHub's Innovation Graph, quarterly, by the "
                "location GitHub assigns to users), not the activity of any model's community."
            ),
            "events": _events(),
            "sources": [source("GitHub Innovation Graph (CC0-1.0)", str(graph.directory))],
        }
    )


# -- science: CSET's sample of papers using each model -----------------------------------------------------
def _science_by() -> tuple[str, ...]:
    from valuechain.science.usage import BY_CHOICES

    return tuple(BY_CHOICES)


def science_usage(params: dict[str, str]) -> dict[str, Any]:
    """Papers per model family by author country or organisation type, CSET's hand-annotated sample
    (``/api/science/usage?by=country``)."""
    by = params.get("by", "country")
    if by not in _science_by():
        raise InputError(f"by must be one of {', '.join(_science_by())}, got {by!r}.")
    return _science_payload(by)


def _country_code(name: str) -> str | None:
    import pycountry

    special = {
        "United States": "US",
        "China": "CN",
        "Hong Kong": "HK",
        "Macao": "MO",
        "Macau": "MO",
        "Taiwan": "TW",
        "South Korea": "KR",
        "Korea": "KR",
        "United Kingdom": "GB",
        "Russia": "RU",
    }
    if name in special:
        return special[name]
    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        return None


@single_flight(maxsize=4)
def _science_payload(by: str) -> dict[str, Any]:
    from valuechain.reference.colours import colour_of
    from valuechain.science import cset_usage
    from valuechain.science.families import load_families

    result = cset_usage(by=by)
    data = result.to_dict()
    chinese = {"CN", "HK", "MO"}
    for row in data["rows"]:
        row["chinese_origin"] = row.get("origin_country") in chinese
        if by == "country":
            code = _country_code(str(row["group"]))
            row["group_code"] = code
            row["colour"] = colour_of(code or "other")
    families = load_families()
    return portable(
        {
            **data,
            "choices": list(_science_by()),
            "families": {
                key: {"name": f.name, "origin_country": f.origin_country} for key, f in families.items()
            },
            "sources": result.sources,
        }
    )


ROUTES: dict[str, Route] = {
    "meta": meta,
    "findings": findings,
    "market/solve": market_solve,
    "market/map": market_map,
    "audit/catalog": audit_catalog,
    "audit/model": audit_model,
    "ecosystem/lineage": ecosystem_lineage,
    "ecosystem/diffusion": ecosystem_diffusion,
    "engagement/innovation-graph": engagement_innovation_graph,
    "science/usage": science_usage,
    "policy/timeline": policy_timeline,
}


def allowed_parameters(route: str) -> frozenset[str]:
    """The query parameters a route accepts; anything else is refused (as the CLI refuses unknown options)."""
    from valuechain.market.parameters import PARAMETER_TABLE

    market = frozenset(PARAMETER_TABLE)
    return {
        "meta": frozenset(),
        "findings": frozenset(),
        "market/solve": market,
        "market/map": market | {"policy", "n"},
        "audit/catalog": frozenset(),
        "audit/model": frozenset({"id"}),
        "ecosystem/lineage": frozenset({"top"}),
        "ecosystem/diffusion": frozenset(),
        "engagement/innovation-graph": frozenset({"shock", "outcome"}),
        "science/usage": frozenset({"by"}),
        "policy/timeline": frozenset({"country", "since"}),
    }[route]


def warm_up() -> None:
    """Compute the slow, parameter-free payloads once (the server calls this in a background thread): the
    catalogue and lineage first (seconds), then the findings ledger (about a minute; a browser opening the
    Findings page meanwhile shares that one computation), then the other pages' default views."""
    for compute in (
        _meta_payload,
        _catalog_payload,
        _lineage_families,
        _findings_payload,
        _diffusion_payload,
        lambda: _innovation_graph_payload("2022-10-07", "developers"),
        lambda: _science_payload("country"),
    ):
        try:
            compute()
        except InputError:
            pass  # missing reference data: the route answers with its sentence
