"""Audit commands (registered on :data:`valuechain.audit.cli.app`)."""

from __future__ import annotations

from valuechain.audit.cli import app  # noqa: F401
