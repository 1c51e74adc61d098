"""Engagement command ``innovation-graph``: China against the other economies in the GitHub Innovation Graph.

Owns its Typer app; :mod:`valuechain.engagement.cli` adds it to the ``engagement`` group.
"""

from __future__ import annotations

from pathlib import Path

import typer

from valuechain import clitools

app = typer.Typer()

_DIR = typer.Argument(
    None,
    metavar="[DIR]",
    help="Innovation Graph checkout (its data/ folder holds the CSVs); default: the reference snapshot.",
)


def _check_plot_destination(plot: Path | None) -> None:
    from valuechain.errors import InputError

    if plot is None:
        return
    if plot.suffix.lower() not in {".png", ".svg", ".pdf"}:
        raise InputError(f"The figure file {plot} must end in .png, .svg or .pdf.")
    if plot.is_dir():
        raise InputError(f"The figure file {plot} is a directory.")
    parent = plot.parent if str(plot.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"The folder of the figure file {plot} does not exist.")


@app.command("innovation-graph")
def innovation_graph(
    directory: Path = _DIR,
    shock: str = typer.Option(
        "2022-10-07", "--shock", help="Shock date (YYYY-MM-DD); its quarter is event time 0."
    ),
    outcome: str = typer.Option(
        "developers",
        "--outcome",
        help="developers | repositories | organizations (as growth rates), git_pushes, or topic:NAME "
        "(pushers, e.g. topic:deep-learning).",
    ),
    leads: int = typer.Option(4, "--leads", help="Quarters before the shock in the window."),
    lags: int = typer.Option(
        4, "--lags", help="Quarters from the shock's quarter on (0 = that quarter only)."
    ),
    plot: Path = typer.Option(None, "--plot", help="Write the series, event-study and placebo figure here."),
    as_json: bool = clitools.JSON_OPTION,
) -> None:
    """China vs the U.S. and the other economies: DiD with placebo-in-space (permutation) inference."""
    from valuechain.engagement.innovation_graph import innovation_graph_study
    from valuechain.output import source
    from valuechain.sources.innovation_graph import SOURCE_NAME, SOURCE_URL, default_directory

    _check_plot_destination(plot)
    study = innovation_graph_study(directory, shock, outcome, leads=leads, lags=lags)
    sources = [
        source(
            SOURCE_NAME,
            str(study.directory),
            upstream=SOURCE_URL,
            licence="CC0-1.0",
            default_snapshot=directory is None or Path(directory).resolve() == default_directory().resolve(),
        )
    ]
    written = None
    if plot is not None:
        written = study.plot(plot)
    if as_json:
        payload = study.to_dict()
        payload["figure"] = str(written) if written else None
        clitools.print_json(payload, sources)
        return
    _print(study, sources, written)


def _print(study: object, sources: list[dict], written: Path | None) -> None:
    from rich.table import Table

    from valuechain.engagement.innovation_graph import InnovationGraphStudy

    assert isinstance(study, InnovationGraphStudy)
    out = clitools.console()
    data = study.to_dict()
    out.print(
        f"[bold]GitHub Innovation Graph[/bold]: China vs other economies, {study.outcome} "
        f"({study.outcome_definition}); shock {study.shock} = quarter {study.shock_quarter}"
    )
    table = Table("measure", "value")
    if study.main is not None:
        table.add_row("DiD estimate (China vs others)", f"{data['estimate']:.3f}")
        table.add_row("95% permutation interval", f"{data['ci_low']:.3f} to {data['ci_high']:.3f}")
        table.add_row("permutation p", f"{data['p_value']:.3f}")
        quantiles = data["placebo"]["quantiles"]
        table.add_row(
            f"placebo distribution ({data['placebo']['n']} economies)",
            f"2.5% {quantiles['0.025']:.3f}, median {quantiles['0.5']:.3f}, 97.5% {quantiles['0.975']:.3f}",
        )
        table.add_row(
            "China's rank by |estimate|",
            f"{data['placebo']['rank_of_treated']} of {data['placebo']['n'] + 1}",
        )
        table.add_row(
            "pre-trend permutation p", "n/a" if data["pretrend_p"] is None else f"{data['pretrend_p']:.3f}"
        )
        if study.cn_vs_us:
            table.add_row("China minus U.S. (descriptive)", f"{study.cn_vs_us['estimate']:.3f}")
        if study.large_pool is not None:
            lp = study.large_pool
            table.add_row(
                f"robustness: {len(lp.placebo)} largest economies only",
                f"{lp.estimate:.3f} [{lp.ci_low:.3f}, {lp.ci_high:.3f}], p {lp.p_value:.3f}",
            )
    counts = study.counts
    table.add_row("suppressed cells (economy x quarter)", str(counts["suppressed_cells"]))
    table.add_row(
        "China: published / suppressed quarters",
        f"{counts['china_published']} / {counts['china_suppressed']}",
    )
    table.add_row("economies complete in the window", str(counts["economies_complete_in_window"]))
    out.print(table)
    if study.main is not None:
        es = Table("quarter rel. to shock", "estimate", "95% permutation band")
        for row in data["event_study"]:
            es.add_row(
                f"{row['rel_period']:+d}",
                f"{row['estimate']:.3f}",
                f"{row['ci_low']:.3f} to {row['ci_high']:.3f}",
            )
        out.print(es)
    out.print(f"verdict: {study.verdict}")
    if "llm_topic_note" in counts:
        out.print(counts["llm_topic_note"])
    out.print(f"data: {sources[0]['location']}")
    if written:
        out.print(f"figure: {written}")
