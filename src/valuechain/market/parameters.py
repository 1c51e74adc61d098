"""Primitives of the AI supply-chain market model, with the CLI names and defaults of the spec.

The model is **our reconstruction** of Qian, Mehra & Liu, "The Economics of AI Supply Chain Regulation"
(arXiv 2603.12630, 2026): one foundation-model provider, two downstream firms that fine-tune with
proprietary data and compete in prices (see ``shared/specs/market-model.md``). The paper's full text was
not available; the primitives are kept configurable so that variants are easy to add.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from valuechain.errors import InputError

#: name -> (default, meaning, lower bound or None). All lower bounds are inclusive.
PARAMETER_TABLE: dict[str, tuple[float, str, float | None]] = {
    "a": (3.0, "demand intercept", None),
    "gamma": (0.2, "intensity of price competition (pro-price-competitive policy raises it)", 0.0),
    "delta": (0.6, "intensity of quality competition (pro-quality-competitive policy raises it)", 0.0),
    "lam": (1.0, "consumers' valuation of quality", 0.0),
    "theta": (1.0, "quality gained per unit of fine-tuning effort (co-creation)", 0.0),
    "q0": (0.5, "base-model quality", 0.0),
    "c": (1.0, "provider's marginal compute cost", 0.0),
    "k": (1.0, "data preprocessing cost per data unit", 0.0),
    "s": (0.0, "compute subsidy per compute unit", 0.0),
    "kappa_f": (1.0, "compute units per data unit in fine-tuning", 0.0),
    "kappa_i": (1.0, "compute units per unit of output in inference", 0.0),
}

#: Largest magnitude accepted for any primitive: the model is in normalised units (c = 1 is the numeraire),
#: and far larger values would overflow floating point in CS = x² and the derivatives.
MAX_MAGNITUDE = 1e6

#: Parameters that are costs (a negative value is rejected with this wording).
COST_PARAMETERS = ("c", "k", "kappa_f", "kappa_i")

#: The policy levers and the parameter each one raises.
POLICY_PARAMETER = {"price": "gamma", "subsidy": "s", "quality": "delta"}


@dataclass(frozen=True)
class Parameters:
    """Model primitives (spec table). Values may be floats or numpy arrays that broadcast together.

    Use :meth:`with_values` to change some of them, :meth:`from_assignments` to parse CLI
    ``NAME=VALUE`` strings. :meth:`validate` raises :class:`~valuechain.errors.InputError` with one
    sentence naming the bad parameter.
    """

    a: Any = 3.0
    gamma: Any = 0.2
    delta: Any = 0.6
    lam: Any = 1.0
    theta: Any = 1.0
    q0: Any = 0.5
    c: Any = 1.0
    k: Any = 1.0
    s: Any = 0.0
    kappa_f: Any = 1.0
    kappa_i: Any = 1.0

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Reject non-finite or huge values and negative costs/intensities (one sentence naming the parameter)."""
        import numpy as np

        for f in fields(self):
            value = getattr(self, f.name)
            try:
                arr = np.asarray(value, dtype=float)
            except (TypeError, ValueError):
                raise InputError(f"Parameter {f.name} must be a number, got {value!r}.") from None
            if not np.all(np.isfinite(arr)):
                raise InputError(f"Parameter {f.name} must be a finite number, got {value!r}.")
            if np.any(np.abs(arr) > MAX_MAGNITUDE):
                raise InputError(
                    f"Parameter {f.name} must be at most {MAX_MAGNITUDE:g} in absolute value (the model "
                    f"is in normalised units), got {_show_max(arr)}."
                )
            lower = PARAMETER_TABLE[f.name][2]
            if lower is not None and np.any(arr < lower):
                kind = "cost" if f.name in COST_PARAMETERS else "parameter"
                raise InputError(
                    f"The {kind} {f.name} ({PARAMETER_TABLE[f.name][1]}) must be non-negative, got {_show(value)}."
                )

    def with_values(self, **values: Any) -> Parameters:
        unknown = sorted(set(values) - set(PARAMETER_TABLE))
        if unknown:
            raise InputError(_unknown_message(unknown[0]))
        return replace(self, **values)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def scalar_dict(self) -> dict[str, float]:
        """The parameters as plain floats (only for scalar parameter sets)."""
        return {name: float(value) for name, value in asdict(self).items()}

    @classmethod
    def from_assignments(
        cls, assignments: Iterable[str] = (), base: Mapping[str, float] | None = None
    ) -> Parameters:
        """Parse ``NAME=VALUE`` strings (CLI ``--set``) on top of ``base`` (e.g. a country preset)."""
        values: dict[str, float] = dict(base or {})
        for item in assignments:
            name, value = parse_assignment(item)
            values[name] = value
        return cls(**values)


def parse_assignment(item: str) -> tuple[str, float]:
    """``"c=1.5"`` -> ``("c", 1.5)``; bad names or values raise InputError."""
    if "=" not in item:
        raise InputError(f"Expected NAME=VALUE for --set, got {item!r}.")
    name, _, raw = item.partition("=")
    name = name.strip()
    if name not in PARAMETER_TABLE:
        raise InputError(_unknown_message(name))
    return name, parse_number(name, raw)


def parse_number(name: str, raw: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise InputError(f"The value of {name} must be a number, got {raw.strip()!r}.") from None
    if not math.isfinite(value):
        raise InputError(f"The value of {name} must be a finite number, got {raw.strip()!r}.")
    return value


def _unknown_message(name: str) -> str:
    return f"Unknown model parameter {name!r}; known parameters are {', '.join(PARAMETER_TABLE)}."


def _show(value: Any) -> str:
    import numpy as np

    arr = np.asarray(value, dtype=float)
    return f"{float(arr):g}" if arr.ndim == 0 else f"a minimum of {float(arr.min()):g}"


def _show_max(arr: Any) -> str:
    import numpy as np

    return f"{float(arr):g}" if arr.ndim == 0 else f"a value of {float(np.abs(arr).max()):g}"
