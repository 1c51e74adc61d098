"""valuechain: measure, audit and simulate the AI value chain.

Subpackages, one per domain: :mod:`valuechain.market` (supply-chain regulation model),
:mod:`valuechain.audit` (openness audit), :mod:`valuechain.ecosystem` (diffusion of open models),
:mod:`valuechain.policy` (policy timeline and texts). Shared plumbing: :mod:`valuechain.store`,
:mod:`valuechain.sources`, :mod:`valuechain.report`.
"""

__version__ = "0.1.0"
SCHEMA_VERSION = "2.0"  # the JSON output schema (2.0: every --json output is one object)
