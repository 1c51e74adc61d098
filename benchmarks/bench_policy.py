"""Benchmark: classify the full Government Work Reports corpus (72 records, ~3 MB of UTF-8 Chinese).

Runs in a fresh subprocess each time so that jieba's start-up (dictionary load) is included, as a user
running ``valuechain policy trends --corpus gwr`` would pay it. Target: under 10 s in total.
Also reports the same work without the jieba boundary check (plain substring counting, what a naive
keyword count would do) to show what segmentation costs, and how many false friends it removes.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import textwrap

CHILD = textwrap.dedent(
    """
    import json, time
    t0 = time.perf_counter()
    from valuechain.policy.classify import PolicyClassifier
    from valuechain.policy.corpora import policy_dir
    t_import = time.perf_counter()
    path = policy_dir() / "cn-political-corpora" / "government_work_reports.jsonl"
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    texts = [r.get("content") or "" for r in rows]
    t_load = time.perf_counter()
    clf = PolicyClassifier()
    clf.zh_tokenizer  # jieba's dictionary plus the classifier's terms (add_word)
    t_jieba = time.perf_counter()
    results = [clf.classify(t, "zh") for t in texts]
    t_classify = time.perf_counter()
    hits = sum(r.themes[k].hits for r in results for k in r.themes)
    discarded = sum(len(r.themes[k].discarded) for r in results for k in r.themes)
    # naive substring count of the same dictionary terms (no segmentation, no false friends, no negation)
    naive = 0
    for theme, by_lang in clf.dictionaries.themes.items():
        terms = sorted({t.text for t in by_lang["zh"].terms}, key=len, reverse=True)
        import re
        pattern = re.compile("|".join(map(re.escape, terms)))
        naive += sum(len(pattern.findall(t)) for t in texts)
    t_naive = time.perf_counter()
    print(json.dumps({
        "records": len(texts), "chars": sum(map(len, texts)), "bytes": sum(len(t.encode()) for t in texts),
        "import": t_import - t0, "load": t_load - t_import, "jieba_init": t_jieba - t_load,
        "classify": t_classify - t_jieba, "total": t_classify - t0, "hits": hits, "discarded": discarded,
        "naive_hits": naive, "naive_seconds": t_naive - t_classify,
    }))
    """
)


def run_once() -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, env=dict(os.environ), timeout=300
    )
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child failed: {proc.stderr.strip()[-500:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    runs = [run_once() for _ in range(repeats)]
    first = runs[0]
    med = {
        k: statistics.median(r[k] for r in runs)
        for k in ("import", "load", "jieba_init", "classify", "total", "naive_seconds")
    }
    print(
        f"Government Work Reports corpus: {first['records']} records, {first['chars']:,} characters, "
        f"{first['bytes'] / 1e6:.2f} MB UTF-8; {repeats} fresh processes (median)"
    )
    print(f"{'step':<40}{'seconds':>10}")
    for label, key in (
        ("import valuechain.policy", "import"),
        ("read corpus", "load"),
        ("jieba initialise (+ dictionary terms)", "jieba_init"),
        ("classify 7 themes (+ evidence)", "classify"),
        ("total (fresh process)", "total"),
    ):
        print(f"{label:<40}{med[key]:>10.2f}")
    print(f"{'throughput (classify only)':<40}{first['chars'] / med['classify']:>10,.0f} chars/s")
    print(f"{'naive substring count (no jieba)':<40}{med['naive_seconds']:>10.2f}")
    print(
        f"hits kept: {first['hits']}; discarded as false friend / not a word / negated / no context: "
        f"{first['discarded']}; naive substring hits: {first['naive_hits']}"
    )
    target = 10.0
    verdict = "PASS" if med["total"] < target else "FAIL"
    print(f"target: total < {target:.0f} s -> {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
