"""The public API of each domain (``__all__``, lazy exports) and the README's Python examples."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.parametrize(
    "package", ["valuechain", "valuechain.audit", "valuechain.ecosystem", "valuechain.policy"]
)
def test_every_public_name_resolves(package):
    module = importlib.import_module(package)
    assert module.__all__
    for name in module.__all__:
        assert getattr(module, name) is not None, f"{package}.{name}"
    with pytest.raises(AttributeError):
        module.no_such_name  # noqa: B018


def test_importing_a_domain_package_imports_none_of_its_modules():
    code = (
        "import sys, valuechain, valuechain.audit, valuechain.ecosystem, valuechain.policy; "
        "print(sorted(m for m in sys.modules if m.startswith('valuechain.') and m.count('.') > 1))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_readme_python_examples_run(tmp_path, shared_data):
    section = README.read_text(encoding="utf-8").split("### Python API per domain", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 5
    env_code = f"import os; os.environ['VALUECHAIN_DATA'] = {str(shared_data)!r}\n"
    for block in blocks:
        result = subprocess.run(
            [sys.executable, "-c", env_code + block],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=600,
        )
        assert result.returncode == 0, block + result.stderr[-2000:]
