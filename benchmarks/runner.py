"""``python -m benchmarks``: build, seed, measure, report.

Exit status: 0 when the benchmark ran (however slow the numbers), 1 when
``--check`` is given and a budget in budgets.py is broken, 2 when it could
not run at all (setup, seeding or a page that did not answer 200).
"""

import argparse
import json
import os
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import environment
from benchmarks.budgets import QUERY_BUDGETS

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "var/bench/results.json"

# (runs, warm-up runs, export runs, audit events, reinstall requests)
FULL = (30, 3, 5, 40_000, 400)
QUICK = (5, 1, 2, 20_000, 150)


def _sizes(preset: tuple) -> str:
    runs, warmup, export_runs, events, requests = preset
    return (
        f"{runs} runs, {warmup} warm-up, {export_runs} export runs, "
        f"{events:,} events, {requests} requests"
    )


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="What each cpsadmin page costs, next to Django itself.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"Fewer runs and less data: {_sizes(QUICK)} (without it: {_sizes(FULL)}).",
    )
    parser.add_argument("--runs", type=int, metavar="N", help="Timed runs a page.")
    parser.add_argument(
        "--warmup", type=int, metavar="N", help="Untimed runs a page before them."
    )
    parser.add_argument(
        "--export-runs", type=int, metavar="N", help="Timed runs of each export."
    )
    parser.add_argument("--events", type=int, metavar="N", help="Audit events.")
    parser.add_argument("--requests", type=int, metavar="N", help="Reinstall requests.")
    parser.add_argument(
        "--only",
        metavar="NAME,...",
        type=lambda raw: {name.strip() for name in raw.split(",") if name.strip()},
        help="Measure only these pages (names as in results.json); the two "
        "baselines are always measured.",
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        help="A PostgreSQL server (postgres://user@host:5432/name) to create a "
        "throwaway database on; without it, a temporary SQLite file. Default: "
        "BENCH_DATABASE_URL, which keeps a password off the command line.",
    )
    parser.add_argument(
        "--output",
        type=Path,
        metavar="PATH",
        default=DEFAULT_OUTPUT,
        help="Where to write the results as JSON (default var/bench/results.json).",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="Exit 1 when a budget in benchmarks/budgets.py is broken.",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="Keep the temporary directory and database, and say where they are.",
    )
    args = parser.parse_args(argv)

    unknown = (args.only or set()) - set(QUERY_BUDGETS)
    if unknown:
        parser.error(
            f"no page named {', '.join(sorted(unknown))}; "
            f"choose from {', '.join(QUERY_BUDGETS)}"
        )

    defaults = QUICK if args.quick else FULL
    names = ("runs", "warmup", "export_runs", "events", "requests")
    for name, default in zip(names, defaults, strict=True):
        if getattr(args, name) is None:
            setattr(args, name, default)
        if getattr(args, name) < (0 if name == "warmup" else 1):
            parser.error(f"--{name.replace('_', '-')} is too small")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        env = environment.prepare(database_url=args.database_url, keep=args.keep)
    except Exception:
        traceback.print_exc()
        print("The benchmark could not set up its environment.", file=sys.stderr)
        return 2

    try:
        results = run(args, env)
    except Exception:
        traceback.print_exc()
        print("The benchmark failed to run.", file=sys.stderr)
        return 2
    finally:
        environment.teardown(env)
        if args.keep:
            print(f"Kept {env.var_dir} and {env.describe()}.", file=sys.stderr)

    from benchmarks import budgets, report

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(report.table(results))
    print(f"\nJSON: {args.output}")

    if not args.check:
        return 0
    broken = budgets.problems(results)
    print(report.check_summary(results, broken))
    return 1 if broken else 0


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(args, env) -> dict:
    """Seed, sign the cast in, measure every page; returns results.json's dict."""
    import django
    from django.test import Client

    from benchmarks import seed
    from benchmarks.measure import measure
    from benchmarks.pages import EXPORT_ALL, EXPORT_QUARTER, pages
    from cpsadmin.audit.services import verify_chain

    _progress(
        f"Seeding {args.events:,} audit events and {args.requests:,} reinstall "
        f"requests on {env.describe()}..."
    )
    started = time.perf_counter()
    seeded = seed.seed(events=args.events, requests=args.requests)
    seed_seconds = time.perf_counter() - started

    clients = {}
    for name in ("alice", "bob", "carol", "admin"):
        clients[name] = Client()
        clients[name].force_login(seeded.users[name])

    chosen = [
        page
        for page in pages(seeded)
        if page.baseline or args.only is None or page.name in args.only
    ]
    _progress(
        f"Measuring {len(chosen)} pages: {args.warmup} warm-up and {args.runs} "
        f"timed runs each ({args.export_runs} for exports)..."
    )
    measured = measure(
        clients,
        chosen,
        runs=args.runs,
        export_runs=args.export_runs,
        warmup=args.warmup,
    )

    started = time.perf_counter()
    chain = verify_chain()
    verify_seconds = time.perf_counter() - started
    if not chain.ok:
        raise RuntimeError(f"The seeded audit chain is broken: {chain.problem}")

    by_name = {m.page.name: m for m in measured}
    bare, admin = by_name["bare"].median_ms, by_name["admin_index"].median_ms
    exports = by_name.get(EXPORT_QUARTER), by_name.get(EXPORT_ALL)
    return {
        "meta": {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "django": django.get_version(),
            "platform": platform.platform(),
            "database": env.vendor,
            "runs": args.runs,
            "warmup": args.warmup,
            "export_runs": args.export_runs,
            "quick": args.quick,
            "seed_seconds": round(seed_seconds, 2),
        },
        "data": {
            "audit_events": seeded.events,
            "reinstall_requests": seeded.requests,
            "deep_filter_matches": seeded.deep_rows,
            "export_since": seeded.export_since,
        },
        "pages": [_page_result(m, bare, admin) for m in measured],
        "export_memory": _export_memory(*exports) if all(exports) else None,
        "audit_chain": {
            "ok": chain.ok,
            "checked": chain.checked,
            "seconds": round(verify_seconds, 2),
        },
    }


def _page_result(m, bare_ms: float, admin_ms: float) -> dict:
    return {
        "name": m.page.name,
        "title": m.page.title,
        "user": m.page.user,
        "url": m.page.url,
        "baseline": m.page.baseline,
        "runs": len(m.times_ms),
        "median_ms": round(m.median_ms, 3),
        "p95_ms": round(m.p95_ms, 3),
        "min_ms": round(min(m.times_ms), 3),
        "max_ms": round(max(m.times_ms), 3),
        "vs_bare": round(m.median_ms / bare_ms, 2),
        "vs_admin": round(m.median_ms / admin_ms, 2),
        "queries": m.query_count,
        "query_budget": QUERY_BUDGETS.get(m.page.name),
        "sql": m.queries,
        "peak_kib": round(m.peak_kib, 1),
        "bytes": m.size_bytes,
    }


def _export_memory(small, large) -> dict:
    from benchmarks.budgets import EXPORT_MEMORY_MIN_ROWS

    # One line per event (the seeded messages have no line breaks), plus the header.
    small_rows, large_rows = small.lines - 1, large.lines - 1
    return {
        "small_rows": small_rows,
        "large_rows": large_rows,
        "small_peak_kib": round(small.peak_kib, 1),
        "large_peak_kib": round(large.peak_kib, 1),
        "rows_ratio": round(large_rows / max(small_rows, 1), 2),
        "ratio": round(large.peak_kib / small.peak_kib, 3),
        "judged": small_rows >= EXPORT_MEMORY_MIN_ROWS,
    }
