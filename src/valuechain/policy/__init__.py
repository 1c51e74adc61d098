"""AI-policy timeline and bilingual policy-text analysis (Jin, Kunievsky, Lou, Sun & Evans 2026, part 1).

- :mod:`valuechain.policy.timeline`: the curated, sourced timeline of U.S. shocks and promotion measures,
  Chinese policy documents and model-release confounders (``data/events.csv``).
- :mod:`valuechain.policy.corpora`: dated corpora (MIIT/CAC/TC260 documents, Government Work Reports and NPC
  resolutions, CPC Congress reports, U.S. AGORA laws, the user's own text/HTML files) with date precision.
- :mod:`valuechain.policy.classify`: the transparent dictionary classifier (jieba for Chinese, light
  lemmas for English; false friends, context rules and negation in ``data/dictionaries.yaml``).
- :mod:`valuechain.policy.analysis`: theme shares and mentions per 10,000 characters per half-year,
  before/after each shock with z and Fisher tests, and the timeline figure.
- :mod:`valuechain.policy.store`: DuckDB tables; :mod:`valuechain.policy.report`: the report chapter.

Public API (imported on first use, so ``import valuechain.policy`` stays cheap): :func:`load_events`,
:func:`timeline_frame`, :class:`PolicyEvent` (the filtering verb is ``valuechain.policy.timeline.timeline``:
a package attribute cannot share the name of its ``timeline`` module); :func:`classify_text` → :class:`Classification`,
:class:`PolicyClassifier`; :func:`load_corpus` → :class:`Corpus`; :func:`classify_corpus`,
:func:`theme_trends`, :func:`before_after`, :func:`plot_timeline`.
"""

from __future__ import annotations

from valuechain.exports import lazy_exports

#: Public name → the module that defines it.
_EXPORTS = {
    "timeline_frame": "valuechain.policy.timeline",
    "load_events": "valuechain.policy.timeline",
    "PolicyEvent": "valuechain.policy.timeline",
    "classify_text": "valuechain.policy.classify",
    "Classification": "valuechain.policy.classify",
    "PolicyClassifier": "valuechain.policy.classify",
    "load_corpus": "valuechain.policy.corpora",
    "Corpus": "valuechain.policy.corpora",
    "classify_corpus": "valuechain.policy.analysis",
    "theme_trends": "valuechain.policy.analysis",
    "before_after": "valuechain.policy.analysis",
    "plot_timeline": "valuechain.policy.analysis",
}
__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
