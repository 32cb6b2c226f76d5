from django.core.management.base import BaseCommand, CommandError

from cpsadmin.audit.services import verify_chain


class Command(BaseCommand):
    help = "Walk the audit hash chain and report its first broken or missing link."

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=2000,
            help="Events read from the database at a time (default 2000).",
        )

    def handle(self, *args, chunk_size, **options):
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1")

        report = verify_chain(chunk_size=chunk_size)

        if not report.ok:
            raise CommandError(f"Audit chain broken: {report.problem}")
        if report.checked:
            self.stdout.write(
                f"Audit chain intact: {report.checked} events, "
                f"#{report.first_seq} to #{report.last_seq}."
            )
        else:
            self.stdout.write("Audit chain intact: no events.")
