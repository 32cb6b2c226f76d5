from django.core.management.base import BaseCommand, CommandError

from cpsadmin.simulator import faults, get_simulator
from cpsadmin.simulator.engine import ACTIONS


class Command(BaseCommand):
    help = "Reset the CPS simulator, set its faults and software switch, show it."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(
            dest="subcommand", required=True, metavar="SUBCOMMAND"
        )
        commands.add_parser(
            "reset", help="Forget all state and faults; seed the cloud again."
        )

        fault = commands.add_parser(
            "fault", help="Inject a fault into the simulator (a running server too)."
        )
        fault.add_argument(
            "kind",
            choices=list(faults.KINDS),
            help="; ".join(f"{kind}: {text}" for kind, text in faults.KINDS.items()),
        )
        fault.add_argument(
            "--count", type=int, help="Fire on the next COUNT matching calls only."
        )
        fault.add_argument(
            "--share",
            type=float,
            help="Fire on this share of matching calls, above 0 and at most 1.",
        )
        fault.add_argument(
            "--status",
            type=int,
            help="HTTP status for status (default 503) and html (default 502) faults.",
        )
        fault.add_argument(
            "--seconds", type=float, help="Delay in seconds for latency faults."
        )
        fault.add_argument(
            "--action",
            choices=ACTIONS,
            metavar="ACTION",
            help="Only affect calls to this API action: " + ", ".join(ACTIONS) + ".",
        )

        commands.add_parser("clear-faults", help="Remove every injected fault.")

        software = commands.add_parser(
            "software",
            help="Switch describeSoftware on, or off (404 like the live API).",
        )
        software.add_argument("state", choices=["on", "off"], help="on or off.")

        commands.add_parser(
            "status", help="Print the instances, the faults and the software switch."
        )

    def handle(self, *args, **options):
        simulator = get_simulator()
        subcommand = options["subcommand"]

        if subcommand == "reset":
            simulator.reset()
            self.stdout.write(f"Simulator reset: {simulator.db_path}")
        elif subcommand == "fault":
            try:
                fault_id = simulator.inject_fault(
                    options["kind"],
                    count=options["count"],
                    share=options["share"],
                    status=options["status"],
                    seconds=options["seconds"],
                    action=options["action"],
                )
            except ValueError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(f"Fault #{fault_id} added: {options['kind']}")
        elif subcommand == "clear-faults":
            simulator.clear_faults()
            self.stdout.write("All faults cleared.")
        elif subcommand == "software":
            simulator.software_enabled = options["state"] == "on"
            self.stdout.write(f"describeSoftware is {options['state']}.")
        else:
            self._print_status(simulator)

    def _print_status(self, simulator) -> None:
        self.stdout.write(f"State file: {simulator.db_path}")
        for instance in simulator.instances():
            self.stdout.write(
                f"{instance['region']:<11} {instance['az']:<12}"
                f" {instance['instanceId']:<21} {instance['name']:<13}"
                f" {instance['status']:<13} {instance['deviceType']:<14}"
                f" {instance['osName']}"
            )
        software = "on" if simulator.software_enabled else "off"
        self.stdout.write(f"describeSoftware: {software}")
        active = simulator.faults()
        if not active:
            self.stdout.write("Faults: none")
        for fault in active:
            self.stdout.write(f"Fault {fault.describe()}")
