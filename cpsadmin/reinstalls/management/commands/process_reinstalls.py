import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from cpsadmin.reinstalls import services

logger = logging.getLogger(__name__)

STEPS = (
    ("expired", "Expired", "Would expire"),
    ("submitted", "Tried to submit", "Would try to submit"),
    ("followed", "Checked the progress of", "Would check the progress of"),
)


class Command(BaseCommand):
    help = "Expire stale requests, retry unsent approved ones, follow running ones."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop",
            type=float,
            metavar="SECONDS",
            help="Keep running, one pass every SECONDS, until SIGTERM or Ctrl-C.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only list what one pass would do; change nothing.",
        )

    def handle(self, *args, loop=None, dry_run=False, **options):
        # nan would spin without pausing; inf (or more than a wait can take)
        # would crash after the first pass.
        if loop is not None and not 0 < loop <= threading.TIMEOUT_MAX:
            raise CommandError("--loop needs a positive number of seconds.")
        if loop is not None and dry_run:
            raise CommandError("--dry-run makes one pass; it cannot --loop.")

        if loop is None:
            self._pass(dry_run)
            return

        stop = threading.Event()
        previous = {
            sig: signal.signal(sig, lambda signum, frame: stop.set())
            for sig in (signal.SIGTERM, signal.SIGINT)
        }
        self.stdout.write(f"Processing reinstalls every {loop:g} s; stop with SIGTERM.")
        passes = 0
        try:
            while not stop.is_set():
                try:
                    self._pass(dry_run=False, quiet=True)
                except Exception:
                    # The next pass tries again; one bad pass must not end the loop.
                    logger.exception("A process_reinstalls pass failed")
                passes += 1
                stop.wait(loop)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write(f"Stopped after {passes} passes.")

    def _pass(self, dry_run: bool, quiet: bool = False) -> None:
        done = services.process_once(dry_run=dry_run)
        if quiet and not any(done.values()):
            return
        for step, did, would in STEPS:
            pks = done[step]
            listed = ", ".join(f"#{pk}" for pk in pks) or "none"
            self.stdout.write(f"{would if dry_run else did} {len(pks)}: {listed}")
