"""`valuechain science` and `valuechain patents`: which model families papers and patents name, and who.

Commands: ``science match`` (mentions in one text), ``science families`` (the dictionary),
``science validate`` (recall/precision of the matcher), ``science usage`` (CSET's sample or the store),
``science compare`` (papers vs patents); ``patents usage``. The ``sync`` commands come from
:mod:`valuechain.science.cli_sync` (helper ``connectors``). Heavy imports stay inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from valuechain import clitools

app = typer.Typer(
    help="Which model families scientific papers name, by whom (OpenAlex, CSET's annotated sample).",
    no_args_is_help=True,
)
patents_app = typer.Typer(
    help="Which model families U.S. patents name, by assignee country (PatentsView), with search coverage.",
    no_args_is_help=True,
)

DICT_OPTION = typer.Option(
    None,
    "--dict",
    help="Extra family dictionary YAML (same schema as the shipped one) adding or replacing families.",
)


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, list):
        return "–".join(str(v) for v in value)
    return str(value)


def _print_frame(frame: Any, title: str, limit: int | None = None) -> None:
    from rich.table import Table

    table = Table(*[str(c) for c in frame.columns], title=title)
    rows = frame.itertuples(index=False)
    for i, row in enumerate(rows):
        if limit is not None and i >= limit:
            break
        table.add_row(*[_fmt(v) for v in row])
    clitools.console().print(table)
    if limit is not None and len(frame) > limit:
        clitools.console().print(f"… {len(frame) - limit} more rows (use --json for all).")


@app.command("match")
def match_command(
    text_or_file: str = typer.Argument(..., help="A title/abstract, or the path of a UTF-8 text file."),
    dictionary: Path = DICT_OPTION,
    as_json: bool = clitools.JSON_OPTION,
) -> None:
    """Which model families a title or abstract mentions, with the matched text, version and origin."""
    from valuechain.output import source
    from valuechain.science.matcher import load_matcher, read_text_or_file

    if dictionary is not None:
        clitools.existing_file(dictionary, "family dictionary")
    text, where = read_text_or_file(text_or_file)
    matcher = load_matcher(dictionary)
    mentions = matcher.match(text)
    families = sorted({m.family for m in mentions})
    sources = [source("model-family dictionary", matcher.source), source("text", where)]
    if as_json:
        clitools.print_json(
            {
                "matches": [m.as_dict() for m in mentions],
                "families": families,
                "versions": sorted(f"{f}:{v}" for f, v in matcher.versions_in(text)),
                "characters": len(text),
                "text_source": where,
            },
            sources,
        )
        return
    from rich.table import Table

    table = Table("family", "version", "origin", "span", "text", "rule", title=f"{len(mentions)} mention(s)")
    for m in mentions:
        table.add_row(
            m.family,
            m.version or "–",
            m.origin_country,
            f"{m.start}–{m.end}",
            m.text,
            "name" if m.certain else "bare name + context",
        )
    clitools.console().print(table)
    if not mentions:
        clitools.console().print("No model family is mentioned.")


@app.command("families")
def families_command(dictionary: Path = DICT_OPTION, as_json: bool = clitools.JSON_OPTION) -> None:
    """The model-family dictionary: families, origin organisation and country, first release, versions."""
    from valuechain.output import source
    from valuechain.science.families import family_rows, load_dictionary

    if dictionary is not None:
        clitools.existing_file(dictionary, "family dictionary")
    loaded = load_dictionary(dictionary)
    rows = family_rows(loaded.families)
    sources = [
        source("model-family dictionary", loaded.source),
        source("organisation -> country", "valuechain/reference/data/org_countries.csv"),
    ]
    if as_json:
        clitools.print_json({"families": rows}, sources)
        return
    import pandas as pd

    frame = pd.DataFrame(rows)[
        ["family", "name", "organisation", "origin_country", "first_release", "versions"]
    ]
    frame["versions"] = frame["versions"].map(", ".join)
    _print_frame(frame, f"{len(rows)} model families")


@app.command("validate")
def validate_command(dictionary: Path = DICT_OPTION, as_json: bool = clitools.JSON_OPTION) -> None:
    """Recall and precision of the matcher: CSET's sheets, the labelled other-family detections, the
    independent hand-labelled set and the false-friend sentences."""
    import pandas as pd

    from valuechain.science.validate import validate

    if dictionary is not None:
        clitools.existing_file(dictionary, "family dictionary")
    result = validate(dictionary)
    if as_json:
        clitools.print_json(result.to_dict(), result.sources)
        return
    recall = pd.DataFrame(result.cset_recall)[
        [
            "sheet",
            "family",
            "version",
            "level",
            "papers",
            "family_recall",
            "version_recall",
            "recall",
            "meets_target",
        ]
    ]
    _print_frame(recall, "Recall against CSET's hand-checked sheets (target ≥ 0.95)")
    p = result.cset_precision
    clitools.console().print(
        f"Other families found in CSET texts: {p['detections']} detections, {p['true']} true, {p['false']} "
        f"false, {p['unlabelled']} unlabelled → precision {_fmt(p['precision'])}"
    )
    ind = result.independent
    _print_frame(pd.DataFrame(ind["by_family"]), f"Independent hand-labelled set ({ind['texts']} texts)")
    clitools.console().print(
        f"Independent set: precision {_fmt(ind['precision'])}, recall {_fmt(ind['recall'])}, "
        f"version recall {_fmt(ind['version_recall'])} ({ind['version_found']}/{ind['version_labels']})"
    )
    ff = result.false_friends
    _print_frame(pd.DataFrame(ff["by_rule"]), f"False-friend sentences ({ff['sentences']})")
    clitools.console().print(
        f"False friends: {ff['sentences_wrong']} of {ff['sentences']} sentences with a wrong detection; "
        f"precision {_fmt(ff['precision'])} ({ff['tp']} true, {ff['fp']} false)"
    )


@app.command("usage")
def usage_command(
    by: str = typer.Option("country", "--by", help="Group authors by institution 'country' or 'type'."),
    origin: str = typer.Option(
        None, "--origin", help="Only families of this origin (ISO code; CN includes HK/MO)."
    ),
    source_name: str = typer.Option(
        "cset", "--source", help="'cset' (CSET's annotated sample) or 'store' (OpenAlex)."
    ),
    plot: Path = typer.Option(None, "--plot", help="Also draw the table to this file (.png, .svg or .pdf)."),
    dictionary: Path = DICT_OPTION,
    db: Path = clitools.DB_OPTION,
    as_json: bool = clitools.JSON_OPTION,
) -> None:
    """Papers per model family (CSET sheet) by author-institution country or type, U.S. company authors,
    use categories, and how often a mention is a use."""
    from valuechain.errors import InputError
    from valuechain.science import usage

    usage.check_by(by)
    if source_name not in ("cset", "store"):
        raise InputError(f"--source must be 'cset' or 'store', not {source_name!r}.")
    usage.check_plot_path(plot)
    if dictionary is not None:
        clitools.existing_file(dictionary, "family dictionary")
    if source_name == "cset":
        result = usage.cset_usage(by=by, origin=origin, extra=dictionary)
    else:
        with _open_store(db) as store:
            result = usage.store_usage(store, by=by, origin=origin, extra=dictionary)
    if plot is not None:
        result.plot(plot)
    if as_json:
        clitools.print_json({**result.to_dict(), "plot": str(plot) if plot else None}, result.sources)
        return
    for name, frame in result.tables.items():
        if len(frame):
            _print_frame(frame, name.replace("_", " "), limit=40)
    _print_frame(result.table, f"papers by {by} ({source_name})", limit=60)
    for note in result.notes:
        clitools.console().print(f"[dim]{note}[/dim]")


@app.command("compare")
def compare_command(
    dictionary: Path = DICT_OPTION, db: Path = clitools.DB_OPTION, as_json: bool = clitools.JSON_OPTION
) -> None:
    """Per family: papers, papers with a U.S. company author, U.S. patents and papers per patent (store)."""
    from valuechain.science import usage

    if dictionary is not None:
        clitools.existing_file(dictionary, "family dictionary")
    with _open_store(db) as store:
        result = usage.compare(store, extra=dictionary)
    if as_json:
        clitools.print_json(result.to_dict(), result.sources)
        return
    _print_frame(result.table, "science vs patents per family")
    for note in result.notes:
        clitools.console().print(f"[dim]{note}[/dim]")


@patents_app.command("usage")
def patents_usage_command(
    dictionary: Path = DICT_OPTION, db: Path = clitools.DB_OPTION, as_json: bool = clitools.JSON_OPTION
) -> None:
    """U.S. patent documents per model family by assignee country, with each family's search coverage."""
    from valuechain.science import usage

    if dictionary is not None:
        clitools.existing_file(dictionary, "family dictionary")
    with _open_store(db) as store:
        result = usage.patent_usage(store, extra=dictionary)
    if as_json:
        clitools.print_json(result.to_dict(), result.sources)
        return
    for name, frame in result.tables.items():
        _print_frame(frame, name)
    _print_frame(result.table, "patent documents by assignee country")


def _open_store(db: Path | None) -> Any:
    """The existing store (the connectors' readers may add their empty tables; nothing else is written)."""
    from valuechain import config
    from valuechain.errors import InputError

    path = db or config.default_db_path()
    if not Path(path).exists():
        raise InputError(
            f"The store {path} does not exist; fill it with `valuechain science sync --family NAME` "
            "or `valuechain patents sync --family NAME`."
        )
    return clitools.open_store(Path(path))


def _register_sync() -> None:
    """Add the ``sync`` commands of the connectors helper, when its module is present."""
    try:
        from valuechain.science import cli_sync
    except ImportError:
        return
    cli_sync.register(app, patents_app)


_register_sync()
