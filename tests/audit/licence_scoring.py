"""How the held-out licence sets are scored: flag by flag against hand-written expectations.

One rule for both held-out sets (``test_audit_licence_heldout.py``, ``test_audit_licence_bilingual.py``):
a flag is right when it equals the expected value; the governing law is right when the expected law is
named in the answer (case-insensitive), or, where none is expected, when none is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from valuechain.audit.licence import FLAGS, LicenceReport, analyse_licence

SCORED = (*FLAGS, "governing_law")


def flag_accuracy(
    texts: Mapping[str, str], records: Mapping[str, Any], rules: Any = None
) -> tuple[dict[str, int], list[str], dict[str, LicenceReport]]:
    """Per scored name, how many texts got it right; the disagreements; and each text's report."""
    correct = dict.fromkeys(SCORED, 0)
    wrong: list[str] = []
    reports: dict[str, LicenceReport] = {}
    for key, text in texts.items():
        report = reports[key] = analyse_licence(text, rules=rules)
        got, want = report.to_dict(), records[key]["expected"]
        for flag in FLAGS:
            correct[flag] += got[flag] == want[flag]
            if got[flag] != want[flag]:
                wrong.append(f"{key}.{flag}: got {got[flag]}")
        law = got["governing_law"] or ""
        ok = want["governing_law"].lower() in law.lower() if want["governing_law"] else not law
        correct["governing_law"] += ok
        if not ok:
            wrong.append(f"{key}.governing_law: got {law!r}")
    return correct, wrong, reports


def print_accuracy(title: str, correct: Mapping[str, int], n: int, wrong: list[str]) -> None:
    """The per-flag table the held-out tests print (run with ``-s`` or read the captured output)."""
    print(f"\n{title}:")
    for flag, c in correct.items():
        print(f"  {flag:34s} {c}/{n}")
    if wrong:
        print("  disagreements:", "; ".join(wrong))
