"""`jisr demo [--no-serve]`: migrate, load a synthetic population, users, payments, partners and
casework (social workers, outreach, cases), serve (gunicorn)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jisr.web import demo


class Command(BaseCommand):
    help = "Run the platform with demo data on the embedded database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument(
            "--no-serve", action="store_true", help="prepare everything, do not serve"
        )
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--force",
            action="store_true",
            help="allow a non-embedded database (creates users with a published password!)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.EMBEDDED_DATABASE and not options["force"]:
            raise CommandError(
                "jisr demo creates users with a published password: it runs only on the embedded "
                "SQLite database (unset JISR_DATABASE_URL), or pass --force on a throw-away "
                "database."
            )
        started = time.monotonic()
        call_command("migrate", verbosity=0, interactive=False)
        self.stdout.write("database migrated")
        households, persons = demo.demo_population(
            data_dir=settings.DATA_DIR, households=options["households"], seed=options["seed"]
        )
        self.stdout.write(
            f"synthetic population loaded: {households} households, {persons} persons new"
        )
        demo.demo_users()
        cycles = demo.demo_payments(today=timezone.localdate())
        for month, status in cycles.items():
            self.stdout.write(f"ASD payment cycle {month}: {status}")
        casework = demo.demo_casework(today=timezone.localdate())
        self.stdout.write(
            f"casework: {casework['outreach_found']} households to visit found, "
            f"{casework['outreach_assigned']} assigned to the supervisor's team"
        )
        for username, count in casework["cases"].items():
            self.stdout.write(f"  {username}: {count} cases opened")
        call_command("collectstatic", verbosity=0, interactive=False)
        self.stdout.write(f"ready in {time.monotonic() - started:.0f} s\n")
        self._print_logins(options["bind"])
        if options["no_serve"]:
            return
        self._serve(options["bind"], options["workers"])

    def _print_logins(self, bind: str) -> None:
        self.stdout.write(self.style.SUCCESS(f"Jisr demo: http://{bind}/"))
        self.stdout.write(f"Every demo user's password: {demo.DEMO_PASSWORD}")
        for spec in demo.DEMO_USERS:
            scope = "national" if spec.national else (",".join(spec.regions) or "no scope")
            self.stdout.write(f"  {spec.username:<16} {spec.role.label!s:<20} scope: {scope}")

    def _serve(self, bind: str, workers: int) -> None:
        """gunicorn for the web, and one `jisr worker` for background jobs (imports, batches).

        Both stop with this command (Ctrl-C or SIGTERM): no orphan process is left behind.
        """
        sys.stdout.flush()
        job_worker = subprocess.Popen([sys.executable, "-m", "jisr.cli", "worker"])
        server = subprocess.Popen(  # noqa: S603  (our own commands)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "jisr.config.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
            ]
        )

        def stop(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        try:
            server.wait()
        except KeyboardInterrupt:
            pass
        finally:
            for child in (server, job_worker):
                child.terminate()
            for child in (server, job_worker):
                child.wait(timeout=30)
