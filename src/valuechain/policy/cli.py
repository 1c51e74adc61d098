"""`valuechain policy`: the dated policy timeline and the bilingual policy-text theme classifier.

Commands: ``timeline`` (curated events), ``classify`` (themes of one text with evidence sentences),
``trends`` (theme shares per half-year and before/after a shock on a corpus), ``corpus`` (what a corpus
loader read: documents per year, date precision, what was dropped). Heavy imports stay inside the
commands so that ``valuechain --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from valuechain import clitools
from valuechain.errors import InputError

app = typer.Typer(
    help="AI-policy timeline (U.S. and China) and a transparent bilingual classifier of policy themes.",
    no_args_is_help=True,
)

_DICT_OPTION = typer.Option(
    None,
    "--dict",
    help="Extra dictionary YAML (same layout as the shipped one) adding terms/false friends; repeatable.",
)


def _shock_list(shocks: list[str] | None) -> list[Any]:
    from valuechain.policy.corpora import parse_date

    return [parse_date(s, "--shock date", day_only=True)[0] for s in (shocks or [])]


@app.command("timeline")
def timeline_command(
    country: str = typer.Option(None, "--country", help="Only events of this country: CN or US."),
    since: str = typer.Option(None, "--since", help="Only events on or after this date (YYYY-MM-DD)."),
    until: str = typer.Option(None, "--until", help="Only events on or before this date (YYYY-MM-DD)."),
    category: list[str] = typer.Option(
        None,
        "--category",
        help="Only these categories (us_shock, us_promotion, cn_policy, confounder, ...); repeatable.",
    ),
    plot: Path = typer.Option(
        None, "--plot", help="Also draw the timeline to this file (.png, .pdf or .svg)."
    ),
    save: bool = typer.Option(
        False, "--save", help="Also store the full timeline in the DuckDB store (--db)."
    ),
    db: Path = clitools.DB_OPTION,
    as_json: bool = clitools.JSON_OPTION,
) -> None:
    """The curated, sourced timeline of U.S. shocks and promotion measures, Chinese policy documents and confounders."""
    from valuechain.policy.timeline import (
        events_path,
        load_events,
        timeline,
        timeline_sources,
    )
    from valuechain.reference.events import CONFOUNDERS, SHOCKS

    events = timeline(country, since, until, category or None)
    if save:
        from valuechain.policy.store import save_events

        with clitools.open_store(db) as store:
            save_events(store, load_events(), source=str(events_path()))
    if plot:
        from valuechain.policy.analysis import check_figure_path, plot_timeline

        check_figure_path(plot)
        plot_timeline(events, None, plot, title="AI-policy events (U.S. and China)")
    if as_json:
        clitools.print_json(
            {
                "count": len(events),
                "events": [e.to_dict() for e in events],
                "shocks": SHOCKS,
                "confounders": CONFOUNDERS,
                "plot": str(plot) if plot else None,
            },
            timeline_sources(),
        )
        return
    from rich.table import Table

    table = Table(
        "date",
        "ctry",
        "category",
        "issuing body",
        "title (English)",
        "checked",
        title=f"{len(events)} policy events",
    )
    table.columns[3].max_width = 28
    table.columns[4].max_width = 70
    for e in events:
        table.add_row(
            e.date.isoformat(), e.country, e.category, e.issuing_body, e.title_en, e.verification_kind
        )
    con = clitools.console()
    con.print(table)
    con.print(
        "checked: corpus = found in a local snapshot; web = checked against stored public copies of the source; "
        "draft / secondary = source named, not re-checked. Use --json for dates of publication, URLs and notes."
    )
    if plot:
        con.print(f"figure written to {plot}")


def _read_input(file_or_text: str) -> tuple[str, dict[str, Any]]:
    from valuechain.output import source
    from valuechain.policy.corpora import DOCUMENT_SUFFIXES, read_text_file

    if not file_or_text.strip():
        raise InputError("The text to classify is empty.")
    if file_or_text == "-":
        text = sys.stdin.read()
        if not text.strip():
            raise InputError("The text read from standard input is empty.")
        return text, source("standard input", "-")
    path = Path(file_or_text)
    looks_like_path = (path.suffix.lower() in DOCUMENT_SUFFIXES or "/" in file_or_text) and not any(
        ch.isspace() for ch in file_or_text
    )
    try:
        is_file = path.is_file() or path.is_dir()
    except OSError:
        is_file = False
    if is_file:
        return read_text_file(path), source("input file", str(path.resolve()))
    if looks_like_path:
        raise InputError(
            f"The file {file_or_text} does not exist (to classify literal text, pass a sentence)."
        )
    return file_or_text, source("text given on the command line", "argument")


@app.command("classify")
def classify_command(
    file_or_text: str = typer.Argument(
        ..., help="A .txt / .html file (PDF: extract the text first), '-' for stdin, or the text itself."
    ),
    lang: str = typer.Option(
        "auto", "--lang", help="Language of the text: zh, en or auto (from the script)."
    ),
    extra_dict: list[Path] = _DICT_OPTION,
    max_evidence: int = typer.Option(
        5, "--max-evidence", min=1, help="At most this many evidence sentences per theme."
    ),
    as_json: bool = clitools.JSON_OPTION,
) -> None:
    """Themes (open_source, ecosystem, standards, resilience, compute, free_market, chokepoint) with evidence sentences."""
    from valuechain.output import source
    from valuechain.policy.classify import classify_text, default_dictionary_path

    if lang not in ("zh", "en", "auto"):
        raise InputError(f"The language {lang!r} is not supported; use zh, en or auto.")
    text, input_source = _read_input(file_or_text)
    result = classify_text(text, lang, extra_dict or [], max_evidence=max_evidence)
    sources = [input_source, source("theme dictionaries", str(default_dictionary_path()))]
    sources += [source("user dictionary", str(p)) for p in extra_dict or []]
    if as_json:
        clitools.print_json(result.to_dict(), sources)
        return
    from rich.table import Table

    table = Table(
        "theme",
        "present",
        "hits",
        "evidence (first sentence)",
        "discarded",
        title=f"language: {result.language}",
    )
    for theme, tr in result.themes.items():
        table.add_row(
            theme,
            "yes" if tr.present else "no",
            str(tr.hits),
            tr.evidence[0] if tr.evidence else "",
            "; ".join(f"{d['term']} ({d['reason']})" for d in tr.discarded[:2]),
        )
    clitools.console().print(table)


def _load(corpus: str, country: str | None, date_text: str | None) -> Any:
    from valuechain.policy.corpora import load_corpus

    return load_corpus(corpus, country=country, date_text=date_text)


@app.command("trends")
def trends_command(
    corpus: str = typer.Option(
        "cn-policy",
        "--corpus",
        help="cn-policy, gwr, cpc, agora, or a folder/file of your own "
        "(.txt/.html; dates from metadata.csv, file names or --date).",
    ),
    shock: list[str] = typer.Option(
        None,
        "--shock",
        help="Compare before vs after this date (YYYY-MM-DD); repeatable. "
        "Default: each of the six U.S. shocks of the timeline.",
    ),
    window: float = typer.Option(
        None, "--window", min=0.25, help="Only documents within this many years of the shock."
    ),
    by: str = typer.Option("country", "--by", help="Group by: country, body (issuing body) or both."),
    since: str = typer.Option(
        None, "--since", help="Only documents dated on or after this date (YYYY-MM-DD)."
    ),
    plot: Path = typer.Option(
        None,
        "--plot",
        help="Draw the timeline with the theme shares per half-year (.png, .pdf or .svg, by the suffix).",
    ),
    country: str = typer.Option(None, "--country", help="Country code of your own files (CN, US, ...)."),
    date_text: str = typer.Option(
        None, "--date", help="Date of your own file(s) when not in metadata.csv / file name."
    ),
    extra_dict: list[Path] = _DICT_OPTION,
    save: bool = typer.Option(
        False, "--save", help="Also store the per-document theme rows in the DuckDB store (--db)."
    ),
    db: Path = clitools.DB_OPTION,
    as_json: bool = clitools.JSON_OPTION,
) -> None:
    """Share of documents and mentions per 10,000 characters per theme per half-year, and before/after each shock."""
    from valuechain.policy.analysis import before_after, classify_documents, plot_timeline, theme_trends
    from valuechain.policy.classify import PolicyClassifier, default_classifier, default_dictionary_path
    from valuechain.policy.corpora import parse_date
    from valuechain.policy.timeline import load_events, timeline_sources

    groups = {
        "country": ["country"],
        "body": ["country", "issuing_body"],
        "both": ["country", "issuing_body"],
    }
    if by not in groups:
        raise InputError(f"The grouping {by!r} is not supported; use country, body or both.")
    from valuechain.reference.events import SHOCKS

    if plot:
        from valuechain.policy.analysis import check_figure_path

        check_figure_path(plot)
    shocks = _shock_list(shock or list(SHOCKS))
    loaded = _load(corpus, country, date_text)
    docs = loaded.documents
    if since:
        start = parse_date(since, "--since date", day_only=True)[0]
        docs = [d for d in docs if d.date >= start]
    if not docs:
        raise InputError(f"The corpus {corpus!r} has no documents in the selected period.")
    classifier = PolicyClassifier(extra_dictionaries=extra_dict) if extra_dict else default_classifier()
    with clitools.progress() as bar:
        task = bar.add_task(f"classifying {len(docs)} documents", total=len(docs))
        doc_themes = classify_documents(docs, classifier, lambda n: bar.advance(task, n))
    trends = theme_trends(doc_themes, groups[by])
    comparisons = [before_after(doc_themes, s, groups[by], window) for s in shocks]
    if shock:  # dates the user asked for must have documents on both sides
        for c in comparisons:
            if c.table.empty or (c.table["n_before"] == 0).all() or (c.table["n_after"] == 0).all():
                raise InputError(
                    f"The --shock date {c.shock.isoformat()} leaves no documents of {corpus!r} on one side "
                    f"(they are dated {min(d.date for d in docs)} to {max(d.date for d in docs)})."
                )
    if plot:
        from valuechain.policy.analysis import events_for_figure

        events = events_for_figure(load_events(), {d.country for d in docs})
        plot_timeline(
            events,
            theme_trends(doc_themes, ["country"]),
            plot,
            title=f"{corpus}: events and theme share per half-year",
            shocks=[s.isoformat() for s in shocks] or None,
        )
    from valuechain.output import source

    sources = [
        *loaded.sources,
        source("theme dictionaries", str(default_dictionary_path())),
        *timeline_sources(),
    ]
    run_id = None
    if save:
        from valuechain.policy.store import save_document_themes

        with clitools.open_store(db) as store:
            run_id = save_document_themes(
                store,
                doc_themes,
                source="; ".join(s["location"] for s in loaded.sources),
                dictionary_files=classifier.dictionaries.files,
            )
    notes = _corpus_notes(loaded, doc_themes)
    for c in comparisons:
        notes.extend(c.notes)
    if as_json:
        trend_records = trends.to_dict(orient="records")
        clitools.print_json(
            {
                "corpus": corpus,
                "documents": len(docs),
                "date_precision": dict(doc_themes.drop_duplicates("doc_id")["date_precision"].value_counts()),
                "dropped": dict(loaded.dropped),
                "trends": trend_records,
                "before_after": [c.to_dict() for c in comparisons],
                "notes": notes,
                "plot": str(plot) if plot else None,
                "stored_run_id": run_id,
            },
            sources,
        )
        return
    _print_trends(trends, comparisons, notes, plot)
    if run_id:
        clitools.console().print(f"stored as run {run_id} in table policy_document_themes")


def _corpus_notes(loaded: Any, doc_themes: Any) -> list[str]:
    notes = []
    if loaded.dropped:
        notes.append(
            "Dropped while loading: " + "; ".join(f"{k}: {v}" for k, v in loaded.dropped.items()) + "."
        )
    docs = doc_themes.drop_duplicates("doc_id")
    coarse = docs[docs["date_precision"] != "day"]
    if len(coarse):
        counts = coarse["date_precision"].value_counts().to_dict()
        notes.append(
            "Date precision coarser than a day: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + "."
        )
    for theme, g in doc_themes.groupby("theme"):
        k = int(g["present"].sum())
        if k < 10:
            notes.append(f"Only {k} of {len(g)} documents mention {theme}: the series is thin.")
    if loaded.name == "cn-policy":
        notes.append("cn-policy texts are truncated by the source scraper, so mentions are undercounted.")
    if loaded.name == "agora":
        notes.append("AGORA texts are ETO's summaries of the laws, not the statutory text.")
    return notes


def _print_trends(trends: Any, comparisons: list[Any], notes: list[str], plot: Path | None) -> None:
    from rich.table import Table

    con = clitools.console()
    group_cols = [c for c in ("country", "issuing_body") if c in trends.columns]
    pivot = trends.pivot_table(index=["half", *group_cols], columns="theme", values="share").reset_index()
    docs = trends.groupby(["half", *group_cols])["documents"].first().reset_index()
    pivot = pivot.merge(docs, on=["half", *group_cols])
    themes = [c for c in pivot.columns if c not in ("half", "documents", *group_cols)]
    table = Table("half", *group_cols, "docs", *themes, title="share of documents with each theme")
    for _, row in pivot.iterrows():
        table.add_row(
            row["half"],
            *[str(row[c]) for c in group_cols],
            str(int(row["documents"])),
            *[f"{row[t]:.2f}" for t in themes],
        )
    con.print(table)
    for comp in comparisons:
        t = Table(
            *comp.table.columns[: len(group_cols)],
            "theme",
            "before k/n",
            "share",
            "after k/n",
            "share",
            "change",
            "p (z)",
            "p (Fisher)",
            "per 10k before",
            "after",
            "thin",
            title=f"before vs after {comp.shock.isoformat()}",
        )
        for _, r in comp.table.iterrows():
            t.add_row(
                *[str(r[c]) for c in comp.table.columns[: len(group_cols)]],
                r["theme"],
                f"{r['k_before']}/{r['n_before']}",
                f"{r['share_before']:.3f}",
                f"{r['k_after']}/{r['n_after']}",
                f"{r['share_after']:.3f}",
                f"{r['change']:+.3f}",
                f"{r['p_z']:.3g}",
                f"{r['p_fisher']:.3g}",
                f"{r['per_10k_before']:.2f}",
                f"{r['per_10k_after']:.2f}",
                "thin" if r["thin"] else "",
            )
        con.print(t)
    for note in notes:
        con.print(f"[italic]note:[/italic] {note}")
    if plot:
        con.print(f"figure written to {plot}")


@app.command("corpus")
def corpus_command(
    name: str = typer.Argument(..., help="cn-policy, gwr, cpc, agora, or a folder/file of your own."),
    country: str = typer.Option(None, "--country", help="Country code of your own files (CN, US, ...)."),
    date_text: str = typer.Option(
        None, "--date", help="Date of your own file(s) when not in metadata.csv / file name."
    ),
    list_documents: bool = typer.Option(
        False, "--list", help="Also list every document with its date interval and precision."
    ),
    as_json: bool = clitools.JSON_OPTION,
) -> None:
    """What a corpus loader read: documents per year, date precision and what was dropped (and why)."""
    loaded = _load(name, country, date_text)
    documents = [d.meta() for d in loaded.documents] if list_documents else None
    payload = {
        "corpus": name,
        "documents": len(loaded.documents),
        "per_year": loaded.counts_per_year(),
        "date_precision": loaded.precision_counts(),
        "dropped": dict(loaded.dropped),
        "issuing_bodies": dict(sorted(_count(d.issuing_body for d in loaded.documents).items())),
        "characters": sum(len(d.text) for d in loaded.documents),
    }
    if documents is not None:
        payload["document_list"] = documents
    if as_json:
        clitools.print_json(payload, loaded.sources)
        return
    from rich.table import Table

    con = clitools.console()
    table = Table("year", "documents", title=f"{name}: {len(loaded.documents)} documents")
    for year, n in payload["per_year"].items():
        table.add_row(str(year), str(n))
    con.print(table)
    con.print(
        f"date precision: {_in_words(payload['date_precision'])}; "
        f"dropped: {_in_words(payload['dropped'], 'record') if payload['dropped'] else 'none'}",
        highlight=False,
    )
    con.print(
        f"issuing bodies: {_in_words(payload['issuing_bodies'], 'document') or 'none named'}", highlight=False
    )
    if documents is not None:
        listing = Table("doc_id", "date", "interval", "precision", "body", "title", title="documents")
        listing.columns[5].max_width = 60
        for d in documents:
            listing.add_row(
                d["doc_id"],
                d["date"].isoformat(),
                f"{d['date_low']} .. {d['date_high']}",
                d["date_precision"],
                d["issuing_body"],
                d["title"],
            )
        con.print(listing)


def _in_words(counts: dict[str, int], noun: str = "") -> str:
    """``{'day': 300, 'year': 2}`` → ``day 300, year 2`` (with ``noun``: ``MIIT 12 documents, CAC 1 document``)."""

    def plural(n: int) -> str:
        return f" {noun}{'' if n == 1 else 's'}" if noun else ""

    return ", ".join(f"{key} {n:,}{plural(n)}" for key, n in counts.items())


def _count(items: Any) -> dict[str, int]:
    from collections import Counter

    return dict(Counter(items))
