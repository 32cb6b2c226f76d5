"""The audit pages and export with hand-made query strings: never a 500.

Anything a form cannot use is a form error (no events, a message) or is read
as "no limit", never an exception from int(), timedelta or the time zone.
"""

import pytest
from django.urls import reverse

from cpsadmin.audit.models import Action, AuditEvent
from cpsadmin.audit.services import record

REVIEW = reverse("audit:review")
EXPORT = reverse("audit:export")
MINE = reverse("audit:my_activity")
HUGE = "9" * 30


@pytest.fixture
def reviewer(client, auditor):
    client.force_login(auditor)
    record(Action.LOGIN, actor=auditor, message="the first event")
    return client


@pytest.mark.parametrize("text", ["²", "١٢", "⑦", HUGE])
def test_free_text_made_of_unusual_digits_is_a_search_not_a_crash(reviewer, text):
    response = reviewer.get(REVIEW, {"q": text})

    assert response.status_code == 200
    assert response.context["page"].events == []


def test_free_text_still_finds_a_reinstall_by_its_number(reviewer, auditor):
    record(Action.REINSTALL_REQUESTED, actor=auditor, reinstall=12)

    response = reviewer.get(REVIEW, {"q": "12"})

    assert [e.reinstall_id for e in response.context["page"].events] == [12]


def test_export_with_unusual_digits_in_the_free_text_is_empty_not_a_crash(
    reviewer,
):
    response = reviewer.get(EXPORT, {"q": "²", "format": "jsonl"})

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b""


@pytest.mark.parametrize("cursor", ["older", "newer"])
def test_a_page_link_far_outside_the_calendar_is_a_broken_link(reviewer, cursor):
    response = reviewer.get(REVIEW, {cursor: f"{HUGE}.1"})

    assert response.status_code == 200
    assert response.context["page"] is None
    assert cursor in response.context["form"].errors


def test_my_activity_with_a_page_link_outside_the_calendar_starts_over(
    reviewer,
):
    response = reviewer.get(MINE, {"older": f"{HUGE}.1"})

    assert response.status_code == 200
    assert len(response.context["page"].events) == AuditEvent.objects.count()


@pytest.mark.parametrize(
    "dates",
    [
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01"},
        {"date_from": "0001-01-01", "date_to": "9999-12-31"},
    ],
)
@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai", "America/New_York"])
def test_dates_at_the_ends_of_the_calendar_mean_no_limit(
    reviewer, settings, zone, dates
):
    settings.TIME_ZONE = zone

    response = reviewer.get(REVIEW, dates)

    assert response.status_code == 200
    assert len(response.context["page"].events) == AuditEvent.objects.count()


def test_export_up_to_the_last_day_of_the_calendar_exports_everything(reviewer):
    response = reviewer.get(EXPORT, {"date_to": "9999-12-31", "format": "csv"})

    assert response.status_code == 200
    assert b"the first event" in b"".join(response.streaming_content)
