"""An httpx transport that hands each request to the simulator in-process.

No socket: the exact path bytes (literal `:` or `%3A`), raw query, headers and
body reach `Simulator.respond()`. Injected faults surface as the errors httpx
raises for the real thing: a dropped connection is `httpx.RemoteProtocolError`,
latency beyond the read timeout is `httpx.ReadTimeout`.
"""

import httpx


class SimulatorTransport(httpx.BaseTransport):
    def __init__(self, simulator):
        self.simulator = simulator

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        raw_path, _, raw_query = request.url.raw_path.partition(b"?")
        reply = self.simulator.respond(
            request.method,
            raw_path.decode("ascii"),
            raw_query.decode("ascii"),
            request.headers.multi_items(),
            body,
        )

        if reply.delay:
            read_timeout = request.extensions.get("timeout", {}).get("read")
            if read_timeout is not None and reply.delay > read_timeout:
                self.simulator.sleep(read_timeout)
                raise httpx.ReadTimeout("The read operation timed out", request=request)
            self.simulator.sleep(reply.delay)
        if reply.drop:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        return httpx.Response(
            reply.status,
            headers=reply.headers,
            content=reply.body,
            request=request,
        )
