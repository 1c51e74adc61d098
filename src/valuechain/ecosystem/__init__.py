"""Diffusion of open models: Hugging Face lineage, origin attribution and time series by country.

- :func:`analyse_lineage` — every model resolved to its root base model(s) and origin → :class:`LineageResult`
  (``families``, ``membership``, ``models``, ``repackagers``); edges from :func:`read_edges_csv` or
  :func:`read_edges_store`; :mod:`.lineage`;
- :func:`load_from_store` — derivatives with their roots and origins from the store → :class:`DiffusionData`;
  :func:`monthly_series`, :func:`by_origin_wide`, :func:`cn_us_share`, :func:`largest_families`,
  :func:`plot_diffusion`; :mod:`.diffusion`;
- :func:`import_file` — saved Hub API records into the store, exactly as a sync would; :mod:`.hf_import`.

Exports are imported on first use, so ``import valuechain.ecosystem`` stays cheap.
"""

from __future__ import annotations

from valuechain.exports import lazy_exports

#: Public name → the module that defines it.
_EXPORTS = {
    "analyse_lineage": "valuechain.ecosystem.lineage",
    "LineageResult": "valuechain.ecosystem.lineage",
    "read_edges_csv": "valuechain.ecosystem.lineage",
    "read_edges_store": "valuechain.ecosystem.lineage",
    "load_from_store": "valuechain.ecosystem.diffusion",
    "DiffusionData": "valuechain.ecosystem.diffusion",
    "monthly_series": "valuechain.ecosystem.diffusion",
    "by_origin_wide": "valuechain.ecosystem.diffusion",
    "cn_us_share": "valuechain.ecosystem.diffusion",
    "largest_families": "valuechain.ecosystem.diffusion",
    "plot_diffusion": "valuechain.ecosystem.diffusion",
    "import_file": "valuechain.ecosystem.hf_import",
}
__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
