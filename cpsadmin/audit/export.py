"""Streaming the audit log out as CSV or JSON Lines, a chunk at a time."""

import csv
import json

from cpsadmin.audit.models import HASHED_FIELDS, AuditEvent

CHUNK_SIZE = 2000
COLUMNS = (*HASHED_FIELDS, "hash")

# A spreadsheet treats a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Make a cell that a spreadsheet would evaluate read as plain text."""
    if cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def event_dict(event: AuditEvent) -> dict:
    return {
        "seq": event.seq,
        "created_at": event.created_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "action": event.action,
        "outcome": event.outcome,
        "ip": event.ip,
        "user_agent": event.user_agent,
        "request_id": event.request_id,
        "region": event.region,
        "instance_id": event.instance_id,
        "reinstall_id": event.reinstall_id,
        "jd_request_id": event.jd_request_id,
        "message": event.message,
        "data": event.data,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


class _Line:
    """A file-like object whose write() hands the line back to csv.writer."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        value = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return neutralise(str(value))


def csv_lines(events):
    writer = csv.writer(_Line())
    yield writer.writerow(COLUMNS)
    for event in events.iterator(chunk_size=CHUNK_SIZE):
        row = event_dict(event)
        yield writer.writerow([_csv_cell(row[name]) for name in COLUMNS])


def jsonl_lines(events):
    for event in events.iterator(chunk_size=CHUNK_SIZE):
        yield json.dumps(event_dict(event), ensure_ascii=False) + "\n"
