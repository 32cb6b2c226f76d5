"""A recording httpx.MockTransport and a CpsClient wired to it."""

import json

import httpx
import pytest

from cpsadmin.cps.client import CpsClient
from cpsadmin.cps.signing import verify_authorization

ACCESS_KEY = "test-ak"
SECRET_KEY = "test-sk-do-not-leak"


def envelope(result, request_id="req-ok"):
    return httpx.Response(200, json={"requestId": request_id, "result": result})


def error_envelope(code, status, message, request_id="req-err"):
    body = {
        "requestId": request_id,
        "error": {"code": code, "status": status, "message": message},
    }
    return httpx.Response(code, json=body)


class FakeCps:
    """Answers from a queue (responses, exceptions or callables) and keeps
    every request it saw."""

    def __init__(self):
        self.requests: list[httpx.Request] = []
        self.replies: list = []

    def reply(self, *replies):
        self.replies.extend(replies)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        reply = self.replies.pop(0) if self.replies else envelope({"success": True})
        if isinstance(reply, Exception):
            raise reply
        return reply(request) if callable(reply) else reply

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def last_json(self):
        return json.loads(self.last.content)


def verify(request: httpx.Request) -> str:
    """Check a captured request the way the simulator will; returns the AK."""
    path, _, query = request.url.raw_path.decode("ascii").partition("?")
    return verify_authorization(
        request.method,
        path,
        query,
        request.headers,
        request.content,
        {ACCESS_KEY: SECRET_KEY}.get,
        service="cps",
    )


@pytest.fixture
def fake_cps():
    return FakeCps()


@pytest.fixture
def make_client(fake_cps):
    clients = []

    def make(endpoint="https://cps.jdcloud-api.com", **kwargs):
        client = CpsClient(
            endpoint,
            ACCESS_KEY,
            SECRET_KEY,
            transport=httpx.MockTransport(fake_cps),
            **kwargs,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def cps_client(make_client):
    return make_client()
