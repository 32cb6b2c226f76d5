from django.urls import reverse

from cpsadmin.audit.models import AuditEvent


def test_the_admin_lists_events_read_only(client, superuser, make_event):
    event = make_event(message="seen in admin")
    client.force_login(superuser)

    listing = client.get(reverse("admin:audit_auditevent_changelist"))
    detail = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))

    assert listing.status_code == 200
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()


def test_the_admin_cannot_add_change_or_delete_events(client, superuser, make_event):
    event = make_event(message="original")
    client.force_login(superuser)

    add = client.get(reverse("admin:audit_auditevent_add"))
    change = client.post(
        reverse("admin:audit_auditevent_change", args=[event.pk]),
        {"message": "rewritten"},
    )
    delete = client.post(
        reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}
    )

    assert (add.status_code, change.status_code, delete.status_code) == (
        403,
        403,
        403,
    )
    assert AuditEvent.objects.get(pk=event.pk).message == "original"
