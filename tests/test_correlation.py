import logging

import pytest
from django.test import RequestFactory

from cpsadmin.correlation import (
    RequestIdLogFilter,
    RequestIdMiddleware,
    current_request_id,
)


def run_middleware(headers=None):
    seen = {}

    def view(request):
        seen["inside"] = current_request_id()
        from django.http import HttpResponse

        return HttpResponse("ok")

    request = RequestFactory().get("/", headers=headers or {})
    response = RequestIdMiddleware(view)(request)
    return seen["inside"], response


def test_a_sane_offered_request_id_is_kept_and_echoed():
    inside, response = run_middleware({"X-Request-ID": "abc-123"})

    assert inside == "abc-123"
    assert response["X-Request-ID"] == "abc-123"


@pytest.mark.parametrize("offered", ["", "has space", "x" * 65, "<script>"])
def test_a_missing_or_odd_request_id_is_replaced(offered):
    inside, response = run_middleware({"X-Request-ID": offered})

    assert inside != offered
    assert len(inside) == 32
    assert response["X-Request-ID"] == inside


def test_the_id_is_cleared_after_the_request_and_stamped_on_log_records():
    run_middleware()
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "m", None, None)

    RequestIdLogFilter().filter(record)

    assert current_request_id() == ""
    assert record.request_id == "-"
