"""Run every ``benchmarks/bench_*.py`` in turn with its defaults; each prints its own comparison table.

Options differ per benchmark, so run a script directly to pass them (see benchmarks/README.md).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
#: Options run_all passes to a benchmark whose default size is long (run the script directly for the full
#: size).
ARGS: dict[str, list[str]] = {"bench_engagement_ingest": ["--quick"]}


def main() -> int:
    failures = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n=== {script.stem} ===", flush=True)
        failures += subprocess.run([sys.executable, str(script), *ARGS.get(script.stem, [])]).returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
