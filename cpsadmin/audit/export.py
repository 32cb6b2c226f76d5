"""Streaming the audit log out as CSV or JSON Lines, a chunk at a time."""

import csv
import json

from cpsadmin.audit.models import HASHED_FIELDS

CHUNK_SIZE = 2000
# Rows are sent in pieces of about this many characters, not one per row.
BATCH_CHARS = 64 * 1024
COLUMNS = (*HASHED_FIELDS, "hash")

# A spreadsheet treats a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Make a cell that a spreadsheet would evaluate read as plain text."""
    if cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def _rows(events):
    """Each event as a dict of COLUMNS, read as plain rows (no model objects)."""
    for values in events.values_list(*COLUMNS).iterator(chunk_size=CHUNK_SIZE):
        row = dict(zip(COLUMNS, values, strict=True))
        row["created_at"] = row["created_at"].isoformat()
        yield row


def _batched(lines):
    """Join lines into pieces of about BATCH_CHARS: one socket write each."""
    batch, size = [], 0
    for line in lines:
        batch.append(line)
        size += len(line)
        if size >= BATCH_CHARS:
            yield "".join(batch)
            batch, size = [], 0
    if batch:
        yield "".join(batch)


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


def _csv_lines(events):
    writer = csv.writer(_Line())
    yield writer.writerow(COLUMNS)
    for row in _rows(events):
        yield writer.writerow([_csv_cell(row[name]) for name in COLUMNS])


def csv_lines(events):
    return _batched(_csv_lines(events))


def jsonl_lines(events):
    return _batched(json.dumps(row, ensure_ascii=False) + "\n" for row in _rows(events))
