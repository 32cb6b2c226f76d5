from datetime import UTC, date, datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cpsadmin.audit.queries import day_start
from cpsadmin.audit.services import plan_prune, prune_before


def _parse_date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CommandError(
            f"--before must be a date as YYYY-MM-DD, not {raw!r}"
        ) from None


class Command(BaseCommand):
    help = "Delete audit events older than a day, leaving a checkpoint to verify from."

    def add_arguments(self, parser):
        parser.add_argument(
            "--before",
            required=True,
            help="Delete events from before this day (YYYY-MM-DD, site time zone).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only say how many events would be deleted.",
        )

    def handle(self, *args, before, dry_run, **options):
        day = _parse_date(before)
        if day > timezone.localdate():
            raise CommandError("--before must not be in the future")
        # None: the day starts before the calendar does, so nothing is older.
        cutoff = day_start(day) or datetime.min.replace(tzinfo=UTC)

        if dry_run:
            plan = plan_prune(cutoff)
            self.stdout.write(
                f"Would delete {plan.deleted} audit events older than {day}"
                + (f" (through #{plan.through_seq})." if plan.through_seq else ".")
            )
            return

        result = prune_before(cutoff)
        if not result.deleted:
            self.stdout.write(f"No audit events older than {day}.")
            return
        self.stdout.write(
            f"Deleted {result.deleted} audit events older than {day} "
            f"(through #{result.through_seq}); checkpoint written."
        )
