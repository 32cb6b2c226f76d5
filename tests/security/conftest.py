"""Fixtures of the security tests: the reinstall workflow's, reused."""

from tests.reinstalls.conftest import (  # noqa: F401
    clock,
    committed,
    make_request,
    no_approval_needed,
    reinstall_data,
    signed_in,
)
