"""The ledger as the report's first chapter: claim, verdict, number and a link to the evidence."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from valuechain.findings.ledger import build_ledger
from valuechain.section import Section

#: Chapter titles the ledger links to (keys are the report's section anchors).
CHAPTERS = {
    "market": "Market model",
    "audit": "Openness audit",
    "ecosystem": "Hugging Face diffusion",
    "policy": "Policy texts",
    "engagement": "Developer engagement",
    "science": "Science and patents",
}

_ENV = Environment(
    loader=PackageLoader("valuechain.findings", "templates"), autoescape=select_autoescape(["html"])
)


def report_section(out_dir: Path) -> Section:
    """Run the ledger and render it (``out_dir`` is unused: the ledger draws no figure)."""
    ledger = build_ledger()
    html = _ENV.get_template("ledger.html").render(
        findings=ledger.findings, summary=ledger.summary(), sections=CHAPTERS
    )
    return Section(
        key="findings",
        title="Findings: what our evidence shows, claim by claim",
        html=html,
        sources=ledger.sources,
        notes=[
            "Verdicts are computed from the data and the model each time the report is built; the criteria "
            "are in valuechain/findings/data/claims.yaml. Market claims (C1-C7) hold or fail in our "
            "reconstruction of Qian, Mehra & Liu, not in market data.",
        ],
        data=ledger.to_dict(),
    )
