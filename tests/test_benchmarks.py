"""The page benchmarks still run: quick, on a small data set, in their own process.

This is not a speed test. It fails when the benchmark cannot run (a page it
measures moved or broke, seeding no longer fits the models) or when a page
breaks a query budget in benchmarks/budgets.py.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.budgets import QUERY_BUDGETS

ROOT = Path(__file__).resolve().parent.parent


def test_the_quick_benchmark_runs_and_keeps_its_budgets(tmp_path):
    output = tmp_path / "results.json"
    command = [
        sys.executable,
        "-m",
        "benchmarks",
        "--quick",
        "--check",
        "--events=1500",
        "--requests=40",
        "--runs=2",
        "--export-runs=1",
        f"--output={output}",
    ]
    # Under make test-postgres the benchmark makes its own database there too.
    # Through the environment, so a password in the URL stays off the command.
    env = {**os.environ, "BENCH_DATABASE_URL": os.environ.get("DATABASE_URL", "")}

    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(output.read_text())
    pages = {page["name"]: page for page in results["pages"]}
    assert set(pages) == set(QUERY_BUDGETS)
    assert all(page["median_ms"] > 0 for page in pages.values())
    assert results["audit_chain"]["ok"]
    assert results["export_memory"]["large_rows"] > 1500
    assert "Audit review: filtered, deep" in done.stdout
