"""Ecosystem commands (registered on :data:`valuechain.ecosystem.cli.app` / ``hf_app``)."""

from __future__ import annotations

from valuechain.ecosystem.cli import app, hf_app  # noqa: F401
