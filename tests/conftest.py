"""Shared test fixtures: the reference data folder and a runner for the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from valuechain import config


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (or ``$VALUECHAIN_DATA``): the real snapshots the tests run on."""
    path = config.data_dir()
    assert path.is_dir(), f"reference data not found at {path}; set VALUECHAIN_DATA"
    return path


class CLIResult:
    def __init__(self, proc: subprocess.CompletedProcess[str]):
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr

    def json(self):
        return json.loads(self.stdout)


@pytest.fixture
def run_cli(tmp_path, shared_data):
    """Run ``valuechain ARGS`` in a subprocess, as a user would, with a private VALUECHAIN_HOME."""

    def run(
        *args: str,
        input: str | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        timeout: float = 300,
    ) -> CLIResult:
        full_env = dict(os.environ)
        full_env.setdefault("VALUECHAIN_HOME", str(tmp_path / "home"))
        full_env["VALUECHAIN_DATA"] = str(shared_data)
        full_env["COLUMNS"] = "200"
        if env:
            full_env.update(env)
        proc = subprocess.run(
            [sys.executable, "-m", "valuechain", *map(str, args)],
            capture_output=True,
            text=True,
            input=input,
            env=full_env,
            cwd=cwd or tmp_path,
            timeout=timeout,
        )
        return CLIResult(proc)

    return run


@pytest.fixture(scope="session")
def spark_session():
    """The ONE local Spark session of the test run (``local[2]``), started on first use by a test marked
    ``spark`` (startup takes ~10-20 s) and stopped at the end of the run."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("valuechain-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
