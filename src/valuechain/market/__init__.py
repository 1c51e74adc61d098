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

from typing import Any

__all__ = ["Parameters", "solve", "marginal_effects", "solve_numeric", "check_claims", "policy_map"]


def __getattr__(name: str) -> Any:
    if name == "Parameters":
        from valuechain.market.parameters import Parameters

        return Parameters
    if name in ("solve", "marginal_effects"):
        from valuechain.market import equilibrium

        return getattr(equilibrium, name)
    if name == "solve_numeric":
        from valuechain.market.numeric import solve_numeric

        return solve_numeric
    if name == "check_claims":
        from valuechain.market.claims import check_claims

        return check_claims
    if name == "policy_map":
        from valuechain.market.policy import policy_map

        return policy_map
    raise AttributeError(name)
