"""The import layers of ``shared/specs/architecture.md``, checked by import-linter.

Domains never import each other; the plumbing never imports a domain or the top layer; no domain imports
the top layer (``report``, ``app``, ``cli``). The contracts are generated from the packages present, so
that they hold as new domains and plumbing appear (import-linter refuses a contract naming a missing
module). import-linter follows indirect chains too, and imports inside functions count.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import valuechain

PACKAGE = Path(valuechain.__file__).parent
DOMAINS = ("market", "audit", "ecosystem", "policy", "engagement", "science")
PLUMBING = (
    "sources",
    "store",
    "textio",
    "estimation",
    "reference",
    "section",
    "config",
    "errors",
    "output",
    "clitools",
    "exports",
)
TOP = ("report", "app", "cli")


def present(names: tuple[str, ...]) -> list[str]:
    """The ``valuechain.NAME`` modules or packages that exist in this tree."""
    return [
        f"valuechain.{name}"
        for name in names
        if (PACKAGE / name / "__init__.py").is_file() or (PACKAGE / f"{name}.py").is_file()
    ]


def contracts() -> str:
    domains, plumbing, top = present(DOMAINS), present(PLUMBING), present(TOP)

    def lines(modules: list[str]) -> str:
        return "".join(f"\n    {m}" for m in modules)

    # The package's own lazy exports (valuechain.__getattr__) reach every domain by design: they are the
    # public face above all layers, so the edges from the package __init__ are not followed.
    ignore = "\nignore_imports =\n    valuechain -> valuechain.*\nunmatched_ignore_imports_alerting = none\n"
    return (
        "[importlinter]\nroot_package = valuechain\n\n"
        "[importlinter:contract:domains]\nname = Domains do not import each other\n"
        f"type = independence\nmodules ={lines(domains)}{ignore}\n"
        "[importlinter:contract:plumbing]\nname = Plumbing imports no domain and no top-layer module\n"
        f"type = forbidden\nsource_modules ={lines(plumbing)}\n"
        f"forbidden_modules ={lines(domains + top)}{ignore}\n"
        "[importlinter:contract:top]\nname = Domains do not import the top layer (report, app, cli)\n"
        f"type = forbidden\nsource_modules ={lines(domains)}\nforbidden_modules ={lines(top)}{ignore}"
    )


def test_contracts_cover_the_layout():
    text = contracts()
    for module in ("valuechain.market", "valuechain.audit", "valuechain.sources", "valuechain.textio"):
        assert f"    {module}\n" in text
    assert "valuechain.nonexistent" not in text


def test_import_layers(tmp_path):
    config = tmp_path / "importlinter.ini"
    config.write_text(contracts(), encoding="utf-8")
    command = [
        sys.executable,
        "-c",
        "import sys; from importlinter.cli import lint_imports; "
        f"sys.exit(lint_imports(config_filename={str(config)!r}, no_cache=True, no_logo=True))",
    ]
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
