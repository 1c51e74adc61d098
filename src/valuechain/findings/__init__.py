"""The findings ledger: each claim of the three papers next to a test that could have said no.

>>> from valuechain.findings import build_ledger
>>> ledger = build_ledger(only=["C4"])        # doctest: +SKIP
>>> ledger.tidy()[["id", "verdict", "result"]]  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

__all__ = ["Finding", "Ledger", "build_ledger", "load_claims"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from valuechain.findings import ledger

        return getattr(ledger, name)
    raise AttributeError(f"module 'valuechain.findings' has no attribute {name!r}")
