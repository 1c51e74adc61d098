"""One colour per country or origin group across the report's figures and the dashboard.

``data/country_colours.csv`` is the one home; a code it does not list gets a stable colour from a fixed
palette (by the code's characters, so the same code always gets the same colour in every figure).
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib import resources

#: Colours for codes the table does not list (stable per code).
FALLBACK = ("#b15928", "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")


@lru_cache(maxsize=1)
def country_colours() -> dict[str, str]:
    """Code (ISO 3166 alpha-2, or ``other``/``mixed``/``unknown``) → hex colour."""
    text = resources.files("valuechain.reference").joinpath("data", "country_colours.csv").read_text("utf-8")
    lines = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return {row["code"]: row["colour"] for row in csv.DictReader(io.StringIO(lines))}


def colour_of(code: str | None) -> str:
    """The colour of ``code``; unknown codes get a stable fallback colour, ``None`` the unknown colour."""
    table = country_colours()
    if code is None or code == "":
        return table["unknown"]
    if code in table:
        return table[code]
    return FALLBACK[sum(map(ord, code)) % len(FALLBACK)]
