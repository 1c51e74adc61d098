"""The AI supply-chain market model and its policy levers.

**Our reconstruction** of Qian, Mehra & Liu, "The Economics of AI Supply Chain Regulation" (arXiv
2603.12630, 2026): the simplest model we found that reproduces every claim of the paper's abstract (its
full text was not available). One provider sells fine-tuning compute (price w) and inference (price r);
two firms fine-tune with proprietary data and compete in prices. See ``shared/specs/market-model.md``.

- :func:`solve` — the closed-form equilibrium, vectorised over numpy grids (:mod:`.equilibrium`);
- :func:`marginal_effects` — analytic ∂/∂γ, ∂/∂s, ∂/∂δ of CS, CS − T, Π, π;
- :func:`solve_numeric` — independent backward induction, also for asymmetric firms (:mod:`.numeric`);
- :mod:`.symbolic` — the sympy derivation; :mod:`.policy` — maps; :mod:`.claims` — C1–C7;
- :mod:`.presets` — the ``--country CN|US`` compute-cost assumptions.

Heavy dependencies (numpy, scipy) are imported lazily so ``import valuechain.market`` stays cheap.
"""

from __future__ import annotations

from valuechain.exports import lazy_exports

#: Public name → the module that defines it.
_EXPORTS = {
    "Parameters": "valuechain.market.parameters",
    "solve": "valuechain.market.equilibrium",
    "marginal_effects": "valuechain.market.equilibrium",
    "solve_numeric": "valuechain.market.numeric",
    "check_claims": "valuechain.market.claims",
    "policy_map": "valuechain.market.policy",
}
__all__ = list(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
