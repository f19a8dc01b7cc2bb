"""Send the weekly portfolio digest to its subscribers (run weekly, e.g. Monday 07:00)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from pmo.core.text import counted
from pmo.finance.periods import parse_day
from pmo.reporting.services import send_weekly_digest


class Command(BaseCommand):
    help = "E-mail the weekly digest of each portfolio to its subscribers."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as of this day (YYYY-MM-DD); default today.")
        parser.add_argument("--base-url", default="", help="Prefix for links in the e-mail.")

    def handle(self, *args, date=None, base_url="", **options):
        sent = send_weekly_digest(parse_day(date, timezone.localdate()), base_url)
        self.stdout.write(f"{counted(sent, 'digest')} sent.")
