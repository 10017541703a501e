from django.core.management.base import BaseCommand, CommandError

from perf.migration_rules.checker import check_migrations
from perf.migration_rules.rules import DOCS
from perf.migration_rules.since import RevisionError


class Command(BaseCommand):
    help = (
        "Check migrations against the zero-downtime migration rules (docs/migration-rules.md). "
        "Fails, with what is dangerous, why and the safe steps, on any violation that the "
        "migration does not list in reviewed_exceptions. Needs no database."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "app_labels",
            nargs="*",
            help="Apps to check (default: every installed app that is not an installed package).",
        )
        parser.add_argument(
            "--since",
            metavar="REF",
            help=(
                "Check only the migrations whose files are new since the git revision REF (the "
                "deployed release, e.g. origin/main or the last release tag), and take the models "
                "at REF as the release still running during the deploy. Lets a project with an "
                "old history take the rules up."
            ),
        )

    def handle(self, *args, **options):
        try:
            report = check_migrations(options["app_labels"], since=options["since"])
        except (LookupError, RevisionError) as error:
            raise CommandError(str(error)) from error
        for violation in report.violations:
            self.stderr.write(f"{violation}\n")
        if options["verbosity"] >= 1:
            for violation, reason in report.allowed:
                self.stdout.write(
                    f"{violation.migration}: {violation.rule.code} allowed as a reviewed "
                    f"exception: {reason}"
                )
        if report.violations:
            raise CommandError(
                f"{len(report.violations)} migration rule violation(s) in "
                f"{len(report.migrations)} migrations; the rules and recipes are in {DOCS}."
            )
        if options["verbosity"] >= 1:
            since = f" new since {options['since']}" if options["since"] else ""
            self.stdout.write(
                self.style.SUCCESS(
                    f"{len(report.migrations)} migrations{since} follow the migration rules "
                    f"({len(report.allowed)} reviewed exception(s))."
                )
            )
