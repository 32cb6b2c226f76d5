"""The simulator over a real socket, for the official SDKs and curl.

`make_server()` returns a ThreadingHTTPServer (one thread per connection) that
passes each request's raw target, headers and body to `Simulator.respond()`.
A dropped-connection fault closes the socket without writing a byte.
"""

import logging
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

logger = logging.getLogger(__name__)


class SimulatorRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDKs' connection pools expect
    server_version = "cps-simulator"
    sys_version = ""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        raw_path, _, raw_query = self.path.partition("?")

        reply = self.server.simulator.respond(
            self.command, raw_path, raw_query, self.headers.items(), body
        )
        if reply.delay:
            time.sleep(reply.delay)
        if reply.drop:
            logger.info("%s %s -> connection dropped", self.command, raw_path)
            self.close_connection = True
            return

        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)
        logger.info("%s %s -> %s", self.command, raw_path, reply.status)

    do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = do_HEAD = _serve

    def log_message(self, format, *args) -> None:
        # Requests are logged in _serve, without query strings or headers.
        logger.debug(format, *args)


def make_server(simulator, host: str = "127.0.0.1", port: int = 9000):
    """A ThreadingHTTPServer bound to host:port (0 picks a free port)."""
    server = ThreadingHTTPServer((host, port), SimulatorRequestHandler)
    server.daemon_threads = True
    server.simulator = simulator
    return server
