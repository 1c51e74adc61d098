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
"""
