"""What ``--check`` holds the pages to.

Budgets are counts and ratios, not milliseconds: they mean the same on a
laptop and on a busy CI runner, and a failure points at a cause (a new query,
memory that grows with the data) rather than at a slow machine.
"""

# The most SQL queries each page may run: what it needs today, the same on
# SQLite and PostgreSQL and whatever the amount of data. Every signed-in page
# starts with the session and the user (2); cpsadmin's menu adds the user's
# roles (1). A page over budget usually grew a query per row (an N+1); if a new
# query is meant, raise the budget here and say what it is for.
QUERY_BUDGETS = {
    # Django itself: session, user; the admin index adds its recent actions.
    "bare": 2,
    "admin_index": 3,
    # session, user, roles, requester scope; servers and catalogue come from CPS.
    # The servers page and the form add one: the open requests of the region
    # (or of the server), so neither offers a second reinstall.
    "servers": 5,
    "reinstall_form": 5,
    "software_fragment": 4,
    # session, user, roles, approver scope, the pending requests with their
    # requesters, their approvals, those approvals' approvers, the menu badge.
    "approvals": 8,
    # session, user, the request with its requester, roles, approver scope,
    # approvals with approvers, the menu badge. Live status comes from CPS.
    "request_detail": 7,
    # session, user, roles, one page of events (keyset: no COUNT, no OFFSET).
    "my_activity": 4,
    "audit_review": 4,
    # ... plus the user named in the filter.
    "audit_review_deep": 5,
    # session, user, roles; the audit_exported event (BEGIN, SAVEPOINT, chain
    # head, INSERT, head UPDATE, RELEASE, COMMIT); then the rows, one query
    # read a chunk at a time.
    "audit_export_quarter": 11,
    "audit_export": 11,
}

# Peak Python memory of the export of all events divided by that of the
# newest quarter. A streamed export holds one chunk of rows at a time, so the
# ratio stays near 1 as the log grows; a buffered one would approach 4.
EXPORT_MEMORY_RATIO_MAX = 1.5

# The export reads rows a chunk at a time (cpsadmin.audit.export.CHUNK_SIZE,
# 2000) and holds up to two chunks at once: the one being written out and the
# next one being fetched. Below two chunks' worth of rows in the smaller
# export, its peak is lower for that reason alone, so the ratio is reported
# but not judged.
EXPORT_MEMORY_MIN_ROWS = 4000


def problems(results: dict) -> list[str]:
    """Every budget that results.json breaks, as sentences; empty if none."""
    found = []
    for page in results["pages"]:
        budget = QUERY_BUDGETS.get(page["name"])
        if budget is not None and page["queries"] > budget:
            found.append(f"{page['title']}: {page['queries']} queries, budget {budget}")

    memory = results["export_memory"]
    if memory and memory["judged"] and memory["ratio"] >= EXPORT_MEMORY_RATIO_MAX:
        found.append(
            f"Audit export: peak memory grew {memory['ratio']:.2f}x from "
            f"{memory['small_rows']} to {memory['large_rows']} rows, "
            f"budget < {EXPORT_MEMORY_RATIO_MAX}"
        )
    return found
