"""Diffusion through science and patents: which model families papers and patents name, and who uses them.

The public verbs (imported lazily, so ``import valuechain.science`` stays cheap):

- :func:`load_families` / :func:`search_terms` / :func:`known_families`: the model-family dictionary;
- :func:`load_matcher` -> :class:`Matcher` with ``.match(text)`` -> list of :class:`Mention`;
- :func:`load_cset`: CSET's hand-annotated papers;
- :func:`validate` -> :class:`Validation` (recall and precision of the matcher);
- :func:`cset_usage` / :func:`store_usage` / :func:`patent_usage` / :func:`compare` -> rich results with
  ``.tidy()`` and ``.summary()``.
"""

from __future__ import annotations

from valuechain.exports import lazy_exports

_EXPORTS = {
    "Family": "valuechain.science.families",
    "load_families": "valuechain.science.families",
    "known_families": "valuechain.science.families",
    "search_terms": "valuechain.science.families",
    "resolve_family": "valuechain.science.families",
    "Matcher": "valuechain.science.matcher",
    "Mention": "valuechain.science.matcher",
    "load_matcher": "valuechain.science.matcher",
    "CsetPaper": "valuechain.science.cset",
    "load_cset": "valuechain.science.cset",
    "Validation": "valuechain.science.validate",
    "validate": "valuechain.science.validate",
    "UsageResult": "valuechain.science.usage",
    "cset_usage": "valuechain.science.usage",
    "store_usage": "valuechain.science.usage",
    "patent_usage": "valuechain.science.usage",
    "compare": "valuechain.science.usage",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
