"""The openness audit of foundation models (Foster 2025's gradient of access, the established frameworks).

- :func:`audit` — one release (catalogue name, Hugging Face id, release directory, MOT or Index YAML) →
  :class:`AuditResult` (``.summary()``, ``.tidy()``, ``.to_dict()``); :mod:`.release`;
- :func:`audit_catalog` — the curated catalogue, audited and ranked (a DataFrame); :mod:`.ranking`;
- :func:`governance_counts`, :func:`firm_summary` — summaries of a ranking; :func:`gradient_figure` — its figure;
- :func:`eosai_agreement_report` — agreement with the European Open Source AI Index; :mod:`.agreement`;
- :func:`openness_covariates` — governance level per Hugging Face repository, to join with diffusion data;
- :func:`analyse_licence` — a licence text's control levers, each with its sentence; :func:`mof_class` —
  the Model Openness Framework class of a MOT YAML, as the Model Openness Tool computes it.

Exports are imported on first use, so ``import valuechain.audit`` stays cheap.
"""

from __future__ import annotations

from valuechain.exports import lazy_exports

#: Public name → the module that defines it.
_EXPORTS = {
    "audit": "valuechain.audit.release",
    "audit_entry": "valuechain.audit.release",
    "AuditResult": "valuechain.audit.release",
    "audit_catalog": "valuechain.audit.ranking",
    "openness_covariates": "valuechain.audit.ranking",
    "governance_counts": "valuechain.audit.summaries",
    "firm_summary": "valuechain.audit.summaries",
    "gradient_figure": "valuechain.audit.figures",
    "eosai_agreement_report": "valuechain.audit.agreement",
    "analyse_licence": "valuechain.audit.licence",
    "mof_class": "valuechain.audit.mof",
    "load_catalog": "valuechain.audit.catalog",
}
__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
