"""Audit commands ``model``, ``catalog``, ``downstream`` and ``agreement``.

Owns its Typer app; :mod:`valuechain.audit.cli` adds it to the ``audit`` group. Thin layer over :mod:`valuechain.audit.release`, :mod:`valuechain.audit.catalog` and
:mod:`valuechain.audit.downstream`; heavy imports happen inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from valuechain.clitools import DB_OPTION, JSON_OPTION

if TYPE_CHECKING:
    from valuechain.audit.catalog import CatalogEntry
    from valuechain.audit.governance import GovernanceRules

OPERATIONALISATION = (
    "Governance model and value-chain type: our operationalisation of Foster (2025, "
    "arXiv 2509.10220); the rules are data (valuechain/audit/data/governance_rules.yml)."
)


FIGURE_SUFFIXES = (".png", ".svg", ".pdf")
RULES_OPTION = typer.Option(
    None,
    "--rules",
    help="A governance rules YAML to classify with instead of the packaged "
    "valuechain/audit/data/governance_rules.yml (same format).",
)

app = typer.Typer()


def _snapshot_sources(result_sources: list[dict], missing_files: set[str] = frozenset()) -> list[dict]:  # type: ignore[assignment]
    """The sources to print, without the snapshots that were not found in this run (never claimed as used)."""
    return [s for s in result_sources if str(s.get("location", "")) not in missing_files][:50]


def _snapshot_usage(catalogue_sources: list[dict], with_snapshots: bool = True) -> tuple[dict, set[str]]:
    """Which of the snapshots the catalogue cites were used and which were missing in this run (issue 13
    item 5), and the cited refs (``kind:path``) whose file was not found."""
    from valuechain.audit.catalog import SNAPSHOT_KINDS, parse_ref, snapshot_path
    from valuechain.config import data_dir
    from valuechain.sources.snapshots import usage

    files: dict[str, str] = {}
    for item in catalogue_sources:
        kind, path, _ = parse_ref(item["ref"])
        if kind in SNAPSHOT_KINDS:
            files[f"{kind}:{path}"] = snapshot_path(kind, path, Path(".")).as_posix().removeprefix("./")
    info = usage([], files.values())
    if not with_snapshots:
        info.update(used=[], missing=[], skipped="--no-snapshots: the cited snapshots were not read")
    base = data_dir()
    missing_refs = {ref for ref, rel in files.items() if not (base / rel).is_file()}
    return info, missing_refs


def _rules(path: Path | None) -> GovernanceRules | None:
    """The governance rules to use (None: the packaged file); a bad file is one sentence (InputError)."""
    if path is None:
        return None
    from valuechain.audit.governance import load_rules
    from valuechain.clitools import existing_file

    return load_rules(existing_file(path, "governance rules file"))


def _output_file(path: Path, what: str, suffixes: tuple[str, ...]) -> Path:
    """Check an output path before any work is done, so a bad one fails fast and nothing is half-written."""
    from valuechain.output import check_destination

    return check_destination(path, f"{what} file", suffixes)


@app.command("model")
def model_command(
    ref: str = typer.Argument(
        ...,
        help="A catalogue release (id or name), a Hugging Face repo id (owner/name), "
        "a local release directory, or a MOT / European Index YAML.",
    ),
    snapshot: Path = typer.Option(
        None,
        "--snapshot",
        help="Saved Hugging Face API JSON or a directory with "
        "README.md and files.txt, instead of the live Hub.",
    ),
    no_snapshots: bool = typer.Option(
        False,
        "--no-snapshots",
        help="For catalogue releases: use only the curated facts, not the cited snapshots.",
    ),
    rules: Path = RULES_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Audit one release: evidence, framework scores, governance model and type, levers, provenance."""
    from valuechain.audit.release import audit
    from valuechain.clitools import console, print_json

    result = audit(ref, snapshot=snapshot, with_snapshots=not no_snapshots, rules=_rules(rules))
    snapshots_info, missing_refs = _snapshot_usage(
        (result.catalogue or {}).get("sources") or [], not no_snapshots
    )
    marked = (result.catalogue or {}).get("verified") or []
    read_now = bool(result.catalogue) and not no_snapshots and not snapshots_info["missing"]
    if result.catalogue is not None and snapshots_info["missing"]:
        console(stderr=True).print(
            f"[yellow]Snapshots missing under {snapshots_info['data_dir']} ({', '.join(snapshots_info['missing'])}): "
            "the scores rest on the curated facts without them; `valuechain data status` shows what is there."
            "[/yellow]",
            highlight=False,
        )
    if json_out:
        payload = result.to_dict()
        payload["operationalisation"] = OPERATIONALISATION
        if result.catalogue is not None:
            payload["snapshots"] = snapshots_info
            payload["verification"] = {
                "facts_marked_verified": marked,
                "cited_snapshots_read_in_this_run": read_now,
                "rule": "a fact is marked verified when `audit catalog --verify` found a cited snapshot stating it; "
                "the mark is from the catalogue file, not re-checked by this command",
            }
        payload["sources"] = _snapshot_sources(result.sources, missing_refs)
        print_json(payload)
        return
    from rich.table import Table

    out = console()
    g = result.governance
    out.print(
        f"[bold]{result.name}[/bold]  ({result.kind}; {result.organisation or 'organisation unknown'}, "
        f"{result.country or 'country unknown'}, {result.release_date or 'date unknown'})"
    )
    out.print(
        f"Governance: [bold]{g.number} {g.label}[/bold] → GHS type [bold]{g.ghs_type}[/bold] (rule {g.rule_id})"
    )
    for reason in g.reasons:
        out.print(f"  • {reason}")
    out.print("Evidence fields: " + ", ".join(f"{k}={v}" for k, v in result.fields.to_dict().items()))
    for note in result.field_notes:
        out.print(f"  [dim]{note}[/dim]")
    if result.catalogue is not None:
        from valuechain.sources.snapshots import usage_sentence

        out.print(
            f"Catalogue facts marked verified against a cited snapshot (when the catalogue was checked): "
            f"{', '.join(marked) or 'none'}; all other facts are not verified."
        )
        if no_snapshots:
            out.print("The cited snapshots were not read in this run (--no-snapshots).")
        else:
            out.print(usage_sentence(snapshots_info))
    for c in result.conflicts():
        overruled = "; ".join(f"{o['status']} ({o['method']}, {o['source']})" for o in c["overruled"])
        out.print(
            f"[yellow]Sources disagree on {c['component']}[/yellow]: chosen {c['chosen']['status']} "
            f"({c['chosen']['method']}, {c['chosen']['source']}) over {overruled}; rule: {c['rule']}.",
            highlight=False,
        )
    out.print(f"Levers to report: {', '.join(g.levers)}")
    if g.licence_levers:
        out.print(f"Licence levers found in the text: {', '.join(g.licence_levers)}")
    out.print(
        "GHS determinants: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in g.determinants.items())
    )
    table = Table(title="Framework scores")
    for col in ("framework", "result", "detail"):
        table.add_column(col)
    table.add_row(
        "Solaiman gradient",
        f"{result.solaiman['level']} {result.solaiman['name']}",
        "; ".join(result.solaiman["reasons"])[:160],
    )
    table.add_row(
        "MOF (MOT-exact)",
        str(result.mof.get("mof_class")),
        f"normalised: {result.mof.get('mof_class_normalized')}; from {result.mof.get('derived_from')}",
    )
    table.add_row(
        "OSI OSAID 1.0",
        "conformant" if result.osaid.get("conformant") else "not conformant",
        "; ".join(result.osaid.get("failing", [])[:3])[:160],
    )
    score = result.eosai.get("score")
    table.add_row(
        "European OS AI Index-style",
        "n/a" if score is None else f"{score:.2f}",
        f"{result.eosai.get('applicable')} applicable parameters",
    )
    out.print(table)
    ev = Table(title=f"Evidence ({len(result.evidence)} records)")
    for col in ("component", "status", "licence", "method", "source"):
        ev.add_column(col, overflow="fold")
    for e in result.evidence[:40]:
        ev.add_row(e.component, e.status, str(e.licence or ""), e.method, e.source[-70:])
    out.print(ev)
    if result.licence:
        out.print("Licence text read: an aid to reading the licence, not legal advice.")
    out.print(f"[dim]{OPERATIONALISATION}[/dim]")


@app.command("catalog")
def catalog_command(
    json_out: bool = JSON_OPTION,
    csv: Path = typer.Option(None, "--csv", help="Write the ranked table as CSV to this file."),
    plot: Path = typer.Option(
        None,
        "--plot",
        help="Write the gradient figure (PNG/SVG/PDF) to this file (no figure is written without it).",
    ),
    no_plot: bool = typer.Option(
        False, "--no-plot", help="Write no figure (the default; kept for old scripts)."
    ),
    no_snapshots: bool = typer.Option(
        False,
        "--no-snapshots",
        help="Use only the curated facts, not the cited snapshots (faster; no shared data needed).",
    ),
    verify: bool = typer.Option(
        False, "--verify", help="Also list catalogue facts that disagree with a cited snapshot."
    ),
    save: bool = typer.Option(
        False, "--save", help="Append the ranked audit to the store (table audit_releases)."
    ),
    rules: Path = RULES_OPTION,
    db: Path = DB_OPTION,
) -> None:
    """Audit the curated catalogue and rank it (most open first), with a figure of the gradient."""
    from valuechain.audit.catalog import CATALOG_PATH, FACT_FIELDS, load_catalog
    from valuechain.audit.figures import gradient_figure
    from valuechain.audit.ranking import audit_catalog
    from valuechain.audit.summaries import firm_summary, governance_counts
    from valuechain.clitools import console, print_json, progress
    from valuechain.output import source, write_output

    figure_path: Path | None = None if no_plot else plot
    if csv:
        _output_file(csv, "CSV", (".csv",))
    if figure_path:
        _output_file(figure_path, "figure", FIGURE_SUFFIXES)
    governance_rules = _rules(rules)
    entries = load_catalog()
    with progress() as bar:
        task = bar.add_task("auditing the catalogue", total=len(entries))
        frame = audit_catalog(
            entries,
            with_snapshots=not no_snapshots,
            progress=lambda: bar.advance(task),
            rules=governance_rules,
        )
    if figure_path:
        try:
            gradient_figure(frame, figure_path)
        except OSError as exc:
            from valuechain.errors import InputError

            raise InputError(
                f"The figure file {figure_path} cannot be written ({exc.strerror or exc})."
            ) from None
    if csv:
        write_output(csv, lambda tmp: frame.to_csv(tmp, index=False), "CSV file")
    sources = [
        source("valuechain curated catalogue", str(CATALOG_PATH), None, releases=len(entries)),
        source(
            "governance rules (our operationalisation of Foster 2025)",
            str(rules or Path(__file__).parent / "data" / "governance_rules.yml"),
        ),
    ]
    snapshot_note = None
    cited = [item for e in entries for item in e.sources]
    snapshots_info, _ = _snapshot_usage(cited, not no_snapshots)
    if not no_snapshots:
        from valuechain.config import data_dir

        if snapshots_info["used"]:
            sources.append(
                source(
                    "reference snapshots cited by the catalogue (EOSAI v1.0.2, MOT, Epoch AI, "
                    "Ecosystem Graphs)",
                    str(data_dir()),
                    used=snapshots_info["used"],
                )
            )
        if snapshots_info["missing"]:
            snapshot_note = (
                f"Reference snapshots not found under {data_dir()} ({', '.join(snapshots_info['missing'])}; "
                "`valuechain data status` shows what is there): the audit used the curated facts for "
                "what they hold."
            )
            console(stderr=True).print(f"[yellow]{snapshot_note}[/yellow]", highlight=False)
    run_id = None
    if save:
        from valuechain.audit.ranking import save_catalog_audit
        from valuechain.clitools import open_store

        with open_store(db) as store:
            run_id = save_catalog_audit(store, frame, source=str(CATALOG_PATH), rules_path=rules)
    firms = firm_summary(frame)
    mismatches = []
    if verify:
        from valuechain.audit.catalog import verify_catalog

        check = verify_catalog(entries)
        mismatches = check[check["status"] == "mismatch"].to_dict(orient="records")
    if json_out:
        from valuechain.audit.catalog import derived_licence_class

        def fact(e: CatalogEntry, f: str) -> dict:
            value = derived_licence_class(e) if f == "licence_class" else getattr(e, f)
            return {"value": value, "sources": e.fact_source(f), "verified": f in e.verified}

        facts = {
            e.id: {f: fact(e, f) for f in (*FACT_FIELDS, "levers") if f != "levers" or e.levers is not None}
            for e in entries
        }
        print_json(
            {
                "releases": frame.to_dict(orient="records"),
                "facts": facts,
                "governance_by_country": governance_counts(frame).reset_index().to_dict(orient="records"),
                "firms": firms.to_dict(orient="records"),
                "stored_run": run_id,
                "mismatches": mismatches,
                "conflicts": frame.attrs.get("conflicts", []),
                "operationalisation": OPERATIONALISATION,
                "snapshots_missing": snapshot_note,
                "snapshots": snapshots_info,
                "figure": str(figure_path) if figure_path else None,
                "csv": str(csv) if csv else None,
            },
            sources=sources,
        )
        return
    from rich.table import Table

    table = Table(
        title=f"Openness audit of {len(frame)} releases (ranked; ✓ = facts verified against a snapshot)"
    )
    for col in (
        "#",
        "release",
        "org",
        "cc",
        "date",
        "Foster model",
        "GHS type",
        "Solaiman",
        "MOF",
        "OSAID",
        "EOSAI",
        "✓",
    ):
        table.add_column(col, overflow="fold")
    for row in frame.itertuples(index=False):
        score = (
            "" if row.eosai_score is None or row.eosai_score != row.eosai_score else f"{row.eosai_score:.2f}"
        )
        table.add_row(
            str(row.rank),
            row.name,
            row.organisation,
            row.country,
            row.release_date,
            f"{row.governance_level} {row.governance_model}",
            row.ghs_type,
            str(row.solaiman_level),
            str(row.mof_class),
            "yes" if row.osaid_conformant else "no",
            score,
            f"{row.facts_verified}",
        )
    out = console()
    out.print(table)
    for m in mismatches:
        out.print(
            f"mismatch: {m['release']} {m['fact']} = {m['value']!r} but {m['source']} says {m['snapshot_says']!r}"
        )
    mixed = firms[firms["mixed"]]
    out.print(
        f"{len(mixed)} of {len(firms)} lead firms use more than one governance model: "
        + "; ".join(f"{r.organisation} ({r.models})" for r in mixed.itertuples())
    )
    disagreements = frame.attrs.get("conflicts", [])
    if disagreements:
        from valuechain.audit.evidence import CHOICE_RULE

        out.print(
            f"Sources disagree on {len(disagreements)} component(s) of "
            f"{len({c['release'] for c in disagreements})} release(s) (rule: {CHOICE_RULE}; the list is in "
            "--json under 'conflicts' and in the report):"
        )
        for c in disagreements:
            overruled = ", ".join(f"{o['status']} ({o['method']})" for o in c["overruled"])
            out.print(
                f"  {c['release']}: {c['component']} {c['chosen']['status']} ({c['chosen']['method']}) "
                f"over {overruled}",
                highlight=False,
            )
    if figure_path:
        out.print(f"Figure written to {figure_path}")
    if csv:
        out.print(f"Table written to {csv}")
    if run_id:
        out.print(f"Saved to the store as run {run_id}")
    out.print(f"[dim]{OPERATIONALISATION}[/dim]")


@app.command("downstream")
def downstream_command(
    model: str = typer.Argument(None, help="A catalogue release or model family (default: all)."),
    json_out: bool = JSON_OPTION,
    limit: int = typer.Option(
        25, "--limit", min=0, help="Rows of links and unresolved names to show in the table."
    ),
) -> None:
    """Which downstream assets depend on which foundation models, by governance model, country and firm."""
    from valuechain.audit.downstream import downstream
    from valuechain.clitools import console, print_json

    result = downstream(model)
    if json_out:
        print_json({"model": model, **result.to_dict()}, sources=result.sources)
        return
    from rich.table import Table

    out = console()
    for by in ("governance_model", "country", "organisation"):
        summary = result.summary(by).reset_index()
        table = Table(title=f"Downstream assets by foundation model's {by.replace('_', ' ')}")
        for col in summary.columns:
            table.add_column(str(col))
        for row in summary.head(limit).itertuples(index=False):
            table.add_row(*[str(v) for v in row])
        out.print(table)
    links = Table(title=f"Links ({len(result.links)}; first {limit})")
    for col in ("dataset", "downstream", "relation", "dependency", "model", "governance_model", "resolution"):
        links.add_column(col, overflow="fold")
    for row in result.links.head(limit).itertuples(index=False):
        links.add_row(
            row.dataset,
            row.downstream,
            row.relation,
            row.dependency,
            row.model,
            row.governance_model,
            row.resolution,
        )
    out.print(links)
    if len(result.unresolved):
        un = Table(title=f"Unresolved dependency names ({len(result.unresolved)}; first {limit})")
        for col in ("dataset", "downstream", "dependency", "why"):
            un.add_column(col, overflow="fold")
        for row in result.unresolved.head(limit).itertuples(index=False):
            un.add_row(row.dataset, row.downstream, row.dependency, row.why)
        out.print(un)
    for note in result.notes:
        out.print(f"[dim]{note}[/dim]")


@app.command("agreement")
def agreement_command(
    json_out: bool = JSON_OPTION,
    limit: int = typer.Option(40, "--limit", min=0, help="Disagreements to show in the table."),
) -> None:
    """Agreement of our scoring with the European Open Source AI Index v1.0.2, per parameter, with disagreements."""
    from valuechain.audit.agreement import eosai_agreement_report
    from valuechain.clitools import console, print_json
    from valuechain.config import data_dir
    from valuechain.output import source

    report = eosai_agreement_report()
    sources = [
        source(
            "European Open Source AI Index v1.0.2 (CC-BY-4.0, osai-index.eu)",
            str(data_dir() / "openness" / "eu-open-source-ai-index" / "v1.0.2"),
            "2025",
        )
    ]
    if json_out:
        print_json(report, sources=sources)
        return
    from rich.table import Table

    out = console()
    if report["agreement"] is None:
        out.print("No release of the catalogue cites an Index record available here.")
        return
    out.print(
        f"{report['models']} releases, {report['cells']} parameter cells: agreement "
        f"{report['agreement']:.1%} (our evidence read in the Index's parameter definitions)"
    )
    table = Table(title="Per parameter")
    for col in ("parameter", "compared", "agree", "share"):
        table.add_column(col)
    for row in report["per_parameter"]:
        table.add_row(row["parameter"], str(row["compared"]), str(row["agree"]), f"{row['share']:.2f}")
    out.print(table)
    dis = Table(title=f"Disagreements ({len(report['disagreements'])}; first {limit})")
    for col in ("release", "parameter", "ours", "index"):
        dis.add_column(col)
    for d in report["disagreements"][:limit]:
        dis.add_row(d["release"], d["parameter"], str(d["ours"]), str(d["index"]))
    out.print(dis)
    out.print(f"[dim]{report['note']}[/dim]")
