"""Measuring the pages: wall time, SQL queries and peak memory.

Each is measured on runs of its own, so one measurement never disturbs the
others: timed runs carry no query capture and no tracemalloc (which slows
Python down several times), the query count comes from one extra run of each
page, and the memory peak from one more.
"""

import gc
import math
import statistics
import time
import tracemalloc
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benchmarks.pages import Page


class PageFailed(Exception):
    """A page did not answer 200: the benchmark cannot measure it."""


@dataclass
class Measurement:
    page: Page
    times_ms: list[float] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    peak_kib: float = 0.0
    size_bytes: int = 0
    lines: int = 0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95_ms(self) -> float:
        """Nearest-rank 95th percentile: with 20 runs or fewer, the slowest."""
        ordered = sorted(self.times_ms)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]

    @property
    def query_count(self) -> int:
        return len(self.queries)


def fetch(client: Client, page: Page) -> tuple[int, int]:
    """GET the page and read the whole body; returns (bytes, lines)."""
    headers = {"HX-Request": "true"} if page.htmx else {}
    response = client.get(page.url, headers=headers)
    if response.status_code != 200:
        raise PageFailed(f"{page.name}: {page.url} answered {response.status_code}")
    if not response.streaming:
        return len(response.content), response.content.count(b"\n")
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    return size, lines


def measure(
    clients: dict, pages: list[Page], *, runs: int, export_runs: int, warmup: int
) -> list[Measurement]:
    """Time every page, then count its queries and its peak memory.

    Warm-up runs go first, for every page: they fill the caches a server that
    has been up a while has warm (templates, the CPS catalogue, the database
    pages). Then each page is timed in a block of consecutive runs, the
    baselines the same way as the rest, so that every page is measured in the
    same steady state.
    """
    results = [Measurement(page) for page in pages]
    for _ in range(warmup):
        for result in results:
            fetch(clients[result.page.user], result.page)

    # What exists now (data, caches, modules) is set aside from the garbage
    # collector, as a pre-forking server does. Each run then starts with the
    # previous run's garbage collected, outside the timer, and collecting
    # costs little because little is tracked.
    gc.collect()
    gc.freeze()
    try:
        for result in results:
            page, client = result.page, clients[result.page.user]
            for _ in range(export_runs if page.streaming else runs):
                gc.collect()
                start = time.perf_counter()
                result.size_bytes, result.lines = fetch(client, page)
                result.times_ms.append((time.perf_counter() - start) * 1000)
    finally:
        gc.unfreeze()

    for result in results:
        client = clients[result.page.user]
        with CaptureQueriesContext(connection) as captured:
            fetch(client, result.page)
        result.queries = [query["sql"] for query in captured.captured_queries]
        result.peak_kib = peak_memory_kib(client, result.page)
    return results


def peak_memory_kib(client: Client, page: Page) -> float:
    """The most Python memory held at once while serving the page, in KiB.

    tracemalloc sees Python's allocations only, not the database driver's own
    buffers; memory that the run leaves allocated counts too.
    """
    gc.collect()
    tracemalloc.start()
    try:
        fetch(client, page)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1024
