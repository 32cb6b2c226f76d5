import csv
import io
import json

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from cpsadmin.audit.export import neutralise
from cpsadmin.audit.models import Action, AuditEvent

URL = reverse("audit:export")


def body(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def reviewer(client, auditor):
    client.force_login(auditor)
    return client


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("requester", 403),
        ("approver", 403),
        ("auditor", 200),
        ("outsider", 403),
    ],
)
def test_only_reviewers_may_export(client, request, person, status):
    client.force_login(request.getfixturevalue(person))

    assert client.get(URL, {"format": "csv"}).status_code == status


def test_the_csv_export_streams_the_filtered_events(reviewer, make_event):
    make_event(Action.STOP_REQUESTED, region="cn-east-2", instance_id="cps-1")
    make_event(Action.STOP_REQUESTED, region="cn-north-1", instance_id="cps-2")

    response = reviewer.get(URL, {"format": "csv", "region": "cn-east-2"})

    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert [row["instance_id"] for row in rows] == ["cps-1"]


def test_the_jsonl_export_has_one_event_per_line(reviewer, make_event):
    make_event(message="first", data={"k": "v"})
    make_event(message="second")

    only = {"action": Action.REINSTALL_REQUESTED, "sort": "oldest"}
    response = reviewer.get(URL, {"format": "jsonl", **only})

    lines = [json.loads(line) for line in body(response).splitlines()]
    assert [line["message"] for line in lines] == ["first", "second"]
    assert lines[0]["data"] == {"k": "v"}
    assert len(lines[0]["hash"]) == 64


def test_the_export_reads_the_table_in_chunks(reviewer, make_event, monkeypatch):
    from django.db.models.query import QuerySet

    make_event()
    chunk_sizes = []
    real_iterator = QuerySet.iterator

    def spy(self, chunk_size=None):
        chunk_sizes.append(chunk_size)
        return real_iterator(self, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", spy)

    body(reviewer.get(URL, {"format": "jsonl"}))

    assert chunk_sizes == [2000]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("plain text", "plain text"),
        ("a=b", "a=b"),
    ],
)
def test_cells_a_spreadsheet_would_evaluate_are_neutralised(cell, expected):
    assert neutralise(cell) == expected


def test_formula_injection_in_a_csv_export_is_neutralised(reviewer, make_event):
    make_event(message='=cmd|"/c calc"!A1', instance_id="@evil")

    response = reviewer.get(URL, {"format": "csv", "q": "calc"})

    row = next(csv.DictReader(io.StringIO(body(response))))
    assert row["message"] == '\'=cmd|"/c calc"!A1'
    assert row["instance_id"] == "'@evil"


def test_every_export_is_itself_an_audit_event(reviewer, auditor, make_event):
    make_event()

    body(reviewer.get(URL, {"format": "csv", "action": "login", "region": "r1"}))

    exported = AuditEvent.objects.get(action=Action.AUDIT_EXPORTED)
    assert exported.actor == auditor
    assert exported.data == {
        "format": "csv",
        "filters": {"action": "login", "region": "r1"},
    }


def test_an_unknown_format_is_refused(reviewer):
    response = reviewer.get(URL, {"format": "xlsx"})

    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action=Action.AUDIT_EXPORTED).exists()
