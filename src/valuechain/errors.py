"""User-facing errors: one clear sentence, exit code 2, no traceback."""

from __future__ import annotations


class ValuechainError(Exception):
    """An error caused by the user's input; its message is one sentence naming the bad input."""

    exit_code = 2


class InputError(ValuechainError):
    """A bad file, value, option or identifier given by the user."""


class NoEquilibriumError(ValuechainError):
    """Parameters outside the region where the model's equilibrium exists."""


class SourceError(ValuechainError):
    """A remote source failed after retries, or returned something unusable."""
