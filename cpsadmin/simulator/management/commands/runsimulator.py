import ipaddress
import signal

from django.core.management.base import BaseCommand, CommandError

from cpsadmin.simulator import faults, get_simulator
from cpsadmin.simulator.server import make_server

DEFAULT_ADDRPORT = "127.0.0.1:9000"


class _Stop(Exception):
    """Raised in the main thread by the SIGTERM handler."""


def parse_addrport(value: str) -> tuple[str, int]:
    """`host:port`, `[v6]:port` or a bare port -> (host, port); ValueError if bad."""
    host, sep, port = value.rpartition(":")
    if not sep:
        host, port = "127.0.0.1", value
    host = host.strip("[]") or "127.0.0.1"
    if host != "localhost":
        ipaddress.ip_address(host)
    number = int(port)
    if not 0 <= number <= 65535:
        raise ValueError("port out of range")
    return host, number


class Command(BaseCommand):
    help = (
        "Serve the built-in CPS simulator over HTTP for the SDKs, curl or a dashboard."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport",
            nargs="?",
            default=DEFAULT_ADDRPORT,
            help=(
                f"Address and port to listen on (default {DEFAULT_ADDRPORT});"
                " port 0 picks a free one."
            ),
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Start from a freshly seeded cloud, forgetting state and faults.",
        )
        parser.add_argument(
            "--clear-faults",
            action="store_true",
            help="Remove faults left in the state file before serving.",
        )
        parser.add_argument(
            "--fault",
            action="append",
            default=[],
            metavar="KIND[,OPTION=VALUE...]",
            help=(
                "Inject a fault at start; repeatable. KIND is one of "
                + ", ".join(faults.KINDS)
                + "; options count, share, status, seconds, action,"
                " e.g. status,status=503,count=2,action=stopInstance."
            ),
        )

    def handle(self, *args, **options):
        try:
            host, port = parse_addrport(options["addrport"])
        except ValueError:
            raise CommandError(
                f"{options['addrport']!r} is not a valid address:port,"
                " e.g. 127.0.0.1:9000"
            ) from None

        simulator = get_simulator()
        if options["reset"]:
            simulator.reset()
        if options["clear_faults"]:
            simulator.clear_faults()
        for spec in options["fault"]:
            try:
                simulator.inject_fault(**faults.parse_spec(spec))
            except (TypeError, ValueError) as error:
                raise CommandError(f"Bad --fault {spec!r}: {error}") from None

        try:
            server = make_server(simulator, host, port)
        except OSError as error:
            raise CommandError(f"Cannot listen on {host}:{port}: {error}") from None
        bound_host, bound_port = server.server_address[:2]
        self.stdout.write(
            f"Simulated CPS listening on http://{bound_host}:{bound_port}/"
            f" (state in {simulator.db_path}); Ctrl-C or SIGTERM stops it."
        )
        for fault in simulator.faults():
            self.stdout.write(f"Fault active: {fault.describe()}")
        self.stdout.flush()

        def stop(signum, frame):
            raise _Stop

        previous = signal.signal(signal.SIGTERM, stop)
        try:
            server.serve_forever()
        except (KeyboardInterrupt, _Stop):
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            server.server_close()
        self.stdout.write("Simulated CPS stopped.")
