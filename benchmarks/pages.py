"""The pages measured, who looks at each, and at what URL."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from benchmarks.seed import REGION, Seeded
from benchmarks.urls import BARE_URL

BARE = "bare"
ADMIN = "admin_index"
EXPORT_ALL = "audit_export"
EXPORT_QUARTER = "audit_export_quarter"


@dataclass(frozen=True)
class Page:
    name: str  # the key in results.json and in budgets.py
    title: str  # the row label in the table
    user: str  # signed in as
    url: str
    htmx: bool = False  # sent with HX-Request, as the browser's swap is
    streaming: bool = False  # the body is read to the end, row by row
    baseline: bool = False  # "Django itself": what pages are compared with


def pages(seeded: Seeded) -> list[Page]:
    instance = seeded.form_instance
    software = urlencode(
        {
            "region": REGION,
            "os_type_id": seeded.software_os_type_id,
            "image_type": "Standard_app",
        }
    )
    review = reverse("audit:review")
    export = reverse("audit:export")
    return [
        Page(BARE, "Django: bare view", "alice", BARE_URL, baseline=True),
        Page(ADMIN, "Django: admin index", "admin", "/admin/", baseline=True),
        Page(
            "servers",
            "Servers (warm catalogue)",
            "alice",
            f"{reverse('reinstalls:servers')}?region={REGION}",
        ),
        Page(
            "reinstall_form",
            "Reinstall form (GET)",
            "alice",
            reverse("reinstalls:reinstall", args=[REGION, instance.instance_id]),
        ),
        Page(
            "software_fragment",
            "Software fragment (htmx)",
            "alice",
            f"{reverse('reinstalls:software_options')}?{software}",
            htmx=True,
        ),
        Page("approvals", "Approvals queue", "bob", reverse("reinstalls:approvals")),
        Page(
            "request_detail",
            "Request detail (pending)",
            "bob",
            seeded.detail_request.get_absolute_url(),
        ),
        Page("my_activity", "My activity", "alice", reverse("audit:my_activity")),
        Page("audit_review", "Audit review: first page", "carol", review),
        Page(
            "audit_review_deep",
            "Audit review: filtered, deep",
            "carol",
            f"{review}?{seeded.deep_query}",
        ),
        Page(
            EXPORT_QUARTER,
            "Audit export CSV: newest 1/4",
            "carol",
            f"{export}?format=csv&date_from={seeded.export_since}",
            streaming=True,
        ),
        Page(
            EXPORT_ALL,
            "Audit export CSV: all events",
            "carol",
            f"{export}?format=csv",
            streaming=True,
        ),
    ]
