"""The results as a table for people (results.json is for machines)."""

COLUMNS = (
    # header, width, how to show one page's value
    ("page", 30, lambda p: p["title"]),
    ("user", 6, lambda p: p["user"]),
    ("median ms", 10, lambda p: f"{p['median_ms']:.2f}"),
    ("p95 ms", 9, lambda p: f"{p['p95_ms']:.2f}"),
    ("x bare", 7, lambda p: f"{p['vs_bare']:.1f}"),
    ("x admin", 8, lambda p: f"{p['vs_admin']:.1f}"),
    ("queries", 8, lambda p: _queries(p)),
    ("peak KiB", 9, lambda p: f"{p['peak_kib']:,.0f}"),
    ("KiB sent", 9, lambda p: f"{p['bytes'] / 1024:,.1f}"),
)


def _queries(page: dict) -> str:
    budget = page["query_budget"]
    return f"{page['queries']}/{budget}" if budget is not None else str(page["queries"])


def _row(cells) -> str:
    first, *rest = zip(cells, (w for _, w, _ in COLUMNS), strict=True)
    return f"{first[0]:<{first[1]}}" + "".join(
        f" {cell:>{width}}" for cell, width in rest
    )


def table(results: dict) -> str:
    meta, data = results["meta"], results["data"]
    requests = sum(data["reinstall_requests"].values())
    lines = [
        f"cpsadmin page costs: {meta['database']}, {data['audit_events']:,} audit "
        f"events, {requests:,} reinstall requests; {meta['runs']} runs a page "
        f"({meta['export_runs']} for exports) after {meta['warmup']} warm-up",
        "",
        _row([header for header, _, _ in COLUMNS]),
        _row(["-" * width for _, width, _ in COLUMNS]),
    ]
    for page in results["pages"]:
        lines.append(_row([show(page) for _, _, show in COLUMNS]))
        if page["baseline"] and page["name"] == "admin_index":
            lines.append("")

    memory, chain = results["export_memory"], results["audit_chain"]
    lines.append("")
    if memory:
        verdict = "" if memory["judged"] else " (too few rows to judge)"
        lines.append(
            f"Export memory: {memory['large_rows']:,} rows peak "
            f"{memory['large_peak_kib']:,.0f} KiB, {memory['small_rows']:,} rows "
            f"peak {memory['small_peak_kib']:,.0f} KiB: ratio "
            f"{memory['ratio']:.2f} for {memory['rows_ratio']:.1f}x the rows{verdict}"
        )
    lines += [
        f"Audit chain: {chain['checked']:,} events verified intact in "
        f"{chain['seconds']:.1f} s; seeding took {meta['seed_seconds']:.1f} s",
    ]
    return "\n".join(lines)


def check_summary(results: dict, broken: list[str]) -> str:
    if not broken:
        return "Budgets: all kept."
    lines = ["Budgets broken:"]
    for problem in broken:
        lines.append(f"  - {problem}")
    over = [
        page
        for page in results["pages"]
        if page["query_budget"] is not None and page["queries"] > page["query_budget"]
    ]
    for page in over:
        lines.append(f"\n{page['title']} ran:")
        lines += [f"  {sql[:200]}" for sql in page["sql"]]
    return "\n".join(lines)
