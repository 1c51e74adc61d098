"""Fixtures of the ecosystem tests (the Spark session is ``spark_session`` in ``tests/conftest.py``)."""

from __future__ import annotations

import pytest


def random_derivatives(n: int, seed: int = 3):
    """A synthetic derivatives frame in the layout of ``diffusion.derivatives_frame``."""
    import numpy as np
    import pandas as pd

    from valuechain.reference.origin import origin_group

    rng = np.random.default_rng(seed)
    start = np.datetime64("2022-01-01T00:00:00")
    frame = pd.DataFrame(
        {
            "model": [f"user{i % 997}/model-{i}" for i in range(n)],
            "created_at": start + rng.integers(0, 3 * 365 * 86400, n).astype("timedelta64[s]"),
            "origin": rng.choice(["US", "CN", "FR", "mixed", "unknown", "HK"], n),
            "relation": rng.choice(["finetune", "adapter", "quantized", "merge"], n),
            "pipeline_tag": rng.choice(["text-generation", "image-text-to-text", None], n),
            "downloads": rng.integers(0, 10_000, n),
            "likes": rng.integers(0, 50, n),
        }
    )
    return frame.assign(origin_group=frame["origin"].map(origin_group))


@pytest.fixture
def make_derivatives():
    """Factory of synthetic derivative frames: ``make_derivatives(n, seed)``."""
    return random_derivatives
