"""Lazy public exports for a package's ``__init__``: names resolved on first use, so imports stay cheap.

A domain package lists its public API as ``{name: defining module}`` and takes its module-level
``__getattr__`` and ``__dir__`` from :func:`lazy_exports` (PEP 562), so ``import valuechain.audit``
imports none of its modules until a name is used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str], modules: tuple[str, ...] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: ``exports`` maps a public name to the module defining
    it; each name in ``modules`` is a subpackage or module ``package.NAME`` returned whole."""

    def __getattr__(name: str) -> Any:
        if name in exports:
            return getattr(import_module(exports[name]), name)
        if name in modules:
            return import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted({*vars(import_module(package)), *exports, *modules})

    return __getattr__, __dir__
