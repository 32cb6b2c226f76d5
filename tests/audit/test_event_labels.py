"""AuditEvent's own get_action_display() and get_outcome_display().

They replace Django's for speed (see benchmarks/) and must show the same.
"""

import pytest
from django.utils import translation

from cpsadmin.audit.models import Action, AuditEvent, Outcome


def djangos_display(event: AuditEvent, name: str) -> str:
    return event._get_FIELD_display(AuditEvent._meta.get_field(name))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_label_is_the_one_django_would_show(language):
    events = [
        AuditEvent(action=action, outcome=outcome)
        for action in Action.values
        for outcome in Outcome.values
    ]

    with translation.override(language):
        for event in events:
            assert event.get_action_display() == djangos_display(event, "action")
            assert event.get_outcome_display() == djangos_display(event, "outcome")


def test_a_value_without_a_label_shows_as_stored():
    event = AuditEvent(action="retired_action", outcome="odd")

    assert event.get_action_display() == "retired_action"
    assert event.get_outcome_display() == "odd"
