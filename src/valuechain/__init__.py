"""valuechain: measure, audit and simulate the AI value chain.

Subpackages, one per domain, each with its public API in ``__init__`` (``__all__``):
:mod:`valuechain.market` (supply-chain regulation model), :mod:`valuechain.audit` (openness audit),
:mod:`valuechain.ecosystem` (diffusion of open models), :mod:`valuechain.policy` (policy timeline and
texts), :mod:`valuechain.engagement` and :mod:`valuechain.science` where installed. Shared plumbing:
:class:`Store` (DuckDB with provenance), the errors :class:`ValuechainError` / :class:`InputError`;
:func:`build_report` writes the whole report. ``valuechain.audit`` and the rest are imported on first
use, so ``import valuechain`` stays cheap.
"""

from __future__ import annotations

from valuechain.exports import lazy_exports

__version__ = "0.1.0"
SCHEMA_VERSION = "2.0"  # the JSON output schema (2.0: every --json output is one object)

_DOMAINS = ("market", "audit", "ecosystem", "policy", "engagement", "science")
#: Public name → the module that defines it.
_EXPORTS = {
    "Store": "valuechain.store",
    "ValuechainError": "valuechain.errors",
    "InputError": "valuechain.errors",
    "build_report": "valuechain.report.build",
}
__all__ = ["__version__", "SCHEMA_VERSION", *_DOMAINS, *_EXPORTS]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, _DOMAINS)
