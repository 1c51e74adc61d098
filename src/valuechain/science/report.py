"""The report's "science and patents" section: matching quality, CSET's sample, and the store's tables."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from valuechain.section import Figure, Section, render_table

SYNC_HINT = (
    "`valuechain science sync --family qwen` (OpenAlex works and their authors' institutions) and "
    "`valuechain patents sync --family qwen` (PatentsView, with the search's coverage), once per family"
)


def _cell(value: Any, fmt: str | None) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, list):
        return "–".join(str(v) for v in value)
    if fmt and isinstance(value, (int, float)) and not isinstance(value, bool):
        return fmt.format(value)
    return str(value)


def _table(frame: Any, columns: list[tuple[str, str]], fmt: dict[str, str] | None = None) -> str:
    fmt = fmt or {}
    rows = [[_cell(row[key], fmt.get(key)) for key, _ in columns] for _, row in frame.iterrows()]
    return render_table([label for _, label in columns], rows)


def _quality_html(validation: Any) -> str:
    import pandas as pd

    recall = pd.DataFrame(validation.cset_recall)
    p = validation.cset_precision
    ind = validation.independent
    ff = validation.false_friends
    return (
        "<h3>Matching quality</h3>"
        "<p>Recall of the model-family matcher on CSET's hand-checked papers (each sheet is one model "
        "version; "
        "title and abstract only):</p>"
        + _table(
            recall,
            [
                ("sheet", "CSET sheet"),
                ("family", "family"),
                ("level", "level"),
                ("papers", "papers"),
                ("family_recall", "family recall"),
                ("version_recall", "version recall"),
                ("recall", "recall"),
            ],
            {"family_recall": "{:.3f}", "version_recall": "{:.3f}", "recall": "{:.3f}"},
        )
        + f"<p>Other families found in CSET's texts: {p['detections']} detections, each inspected and "
        f"labelled by hand: {p['true']} true, {p['false']} false (precision {p['precision']:.3f}). "
        f"Independent hand-labelled set ({ind['texts']} titles/abstracts for DeepSeek, Yi, GLM, InternLM, "
        f"Baichuan, MiniMax, Kimi, Hunyuan, ERNIE, Gemma, OLMo, written before the patterns): precision "
        f"{ind['precision']:.3f}, recall {ind['recall']:.3f}, version recall {ind['version_recall']:.3f}. "
        f"False-friend sentences: {ff['sentences_wrong']} of {ff['sentences']} with a wrong detection.</p>"
    )


def _cset_html(result: Any) -> str:
    summary = result.summary()
    sheets = result.tables["sheets"]
    mention = summary["mention_is_annotated_use"]
    lower, upper = summary["chinese_origin_with_us_company_author"]
    categories = result.tables["use_categories"]
    top = categories.groupby("sheet").head(3)
    return (
        "<h3>CSET's hand-annotated sample</h3>"
        "<p>Papers per sheet, with authors' countries and organisation types as CSET recorded them. "
        "U.S. company author is a range [lower, upper] because CSET's lists are not aligned.</p>"
        + _table(
            sheets.assign(
                us_company=[
                    [a, b]
                    for a, b in zip(
                        sheets["us_company_author_lower"], sheets["us_company_author_upper"], strict=True
                    )
                ]
            ),
            [
                ("sheet", "sheet"),
                ("origin_country", "origin"),
                ("papers", "papers"),
                ("first_year", "from"),
                ("last_year", "to"),
                ("us_author", "U.S. author"),
                ("china_author", "China author"),
                ("us_company", "U.S. company author"),
                ("weights_necessary", "weights necessary"),
            ],
        )
        + f"<p>Chinese-origin families in the sample: {summary['chinese_origin_papers']} papers (Qwen and "
        f"Qwen-1.5 sheets; {summary['chinese_origin_share_of_open_papers']:.1%} of the "
        f"{summary['open_model_papers']} open-model papers), {summary['chinese_origin_with_us_author']} with "
        "a "
        f"U.S. author, {lower}–{upper} with a U.S. company author. CSET chose how many papers to annotate "
        "per "
        "model, so these are counts in a sample, not shares of the literature.</p>"
        "<p>Open-model papers with a U.S. company author per year ([lower, upper] bound sets) and how many "
        "of "
        "them use a Chinese-origin family:</p>"
        + _table(
            result.tables["us_company_share"],
            [
                ("year", "year"),
                ("us_company_papers_lower", "U.S. company papers (lower)"),
                ("using_chinese_origin_lower", "of which Chinese-origin"),
                ("us_company_papers_upper", "U.S. company papers (upper)"),
                ("using_chinese_origin_upper", "of which Chinese-origin"),
            ],
        )
        + "<p>Use categories (top three per sheet):</p>"
        + _table(top, [("sheet", "sheet"), ("use_category", "use category"), ("papers", "papers")])
        + f"<p>Mention versus use: every open-model row CSET kept is a use that needed the weights. Across "
        f"sheets, of {mention['mentions']} mentions of another annotated family in a paper's title or "
        "abstract, "
        f"{mention['annotated_use']} ({(mention['share'] or 0):.0%}) are papers CSET also annotated as using "
        "that family, a lower bound on how often a mention is a use.</p>"
    )


def _store_html(db_path: Path) -> tuple[str, list[dict[str, Any]]]:
    from valuechain.errors import ValuechainError
    from valuechain.science import usage
    from valuechain.store import Store

    missing = (
        f"<p>The store ({html.escape(db_path.name)}, in the valuechain home directory) has no OpenAlex or "
        f"PatentsView tables yet, so this report "
        f"shows no store-based counts. Fill it with {html.escape(SYNC_HINT)}.</p>"
    )
    if not db_path.exists():
        return missing, []
    try:
        with Store(db_path) as store:
            papers = usage.store_usage(store)
            compared = usage.compare(store)
    except ValuechainError:
        return missing, []
    share = papers.tables["us_company_share"]
    parts = [
        "<h3>OpenAlex and PatentsView (store)</h3>",
        _table(
            compared.table,
            [
                ("family", "family"),
                ("origin_country", "origin"),
                ("papers", "papers"),
                ("papers_us_company", "papers with a U.S. company author"),
                ("us_patents", "U.S. patents"),
                ("patent_search", "patent search"),
                ("papers_per_patent", "papers per patent"),
            ],
            {"papers_per_patent": "{:.1f}"},
        ),
        "<p>Share of papers with a U.S. company author that use a Chinese-origin family, per year:</p>",
        _table(
            share,
            [
                ("year", "year"),
                ("us_company_papers", "papers"),
                ("using_chinese_origin", "using CN-origin"),
                ("share", "share"),
            ],
            {"share": "{:.3f}"},
        ),
    ]
    return "".join(parts), papers.sources + compared.sources


def _unique(sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[tuple[str, str]] = set()
    out = []
    for record in sources:
        key = (str(record.get("name")), str(record.get("location")))
        if key not in seen:
            seen.add(key)
            out.append(record)
    return out


def report_section(out_dir: Path) -> Section:
    """Matching quality, CSET's usage tables and figure, and the store's tables when a sync filled it."""
    from valuechain import config
    from valuechain.science.usage import cset_usage
    from valuechain.science.validate import validate

    validation = validate()
    cset = cset_usage(by="country")
    figure_path = out_dir / "science_cset_by_country.png"
    cset.plot(figure_path)
    store_html, store_sources = _store_html(config.default_db_path())
    body = (
        "<p>Which model families scientific papers name, and who wrote them: a regex dictionary with context "
        "rules (<code>valuechain science match</code>), checked against CSET's hand-annotated papers and our "
        "own labelled sets, then applied to CSET's sample and to OpenAlex/PatentsView data synced into the "
        "store.</p>" + _quality_html(validation) + _cset_html(cset) + store_html
    )
    summary = cset.summary()
    return Section(
        key="science",
        title="Diffusion through science and patents",
        html=body,
        figures=[
            Figure(str(figure_path), "Papers in CSET's sample with at least one author in each country.")
        ],
        sources=_unique(validation.sources + cset.sources + store_sources),
        notes=[
            "CSET's sample is hand-checked but selected per model version; it can show that Chinese-origin "
            "models are used, and by whom, not how widely relative to other models.",
            "The patent side needs a PatentsView sync; until then no patent numbers are shown.",
            *cset.notes[1:2],
        ],
        data={"validation": validation.summary(), "cset": summary},
    )
