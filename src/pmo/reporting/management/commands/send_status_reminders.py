"""E-mail project managers whose monthly status report is overdue (run daily, e.g. cron)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from pmo.core.text import counted
from pmo.finance.periods import parse_day
from pmo.reporting.services import send_reminders


class Command(BaseCommand):
    help = "E-mail a reminder to each project manager whose last month's report is overdue."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as of this day (YYYY-MM-DD); default today.")
        parser.add_argument("--base-url", default="", help="Prefix for links in the e-mail.")

    def handle(self, *args, date=None, base_url="", **options):
        sent = send_reminders(parse_day(date, timezone.localdate()), base_url)
        self.stdout.write(f"{counted(sent, 'reminder')} sent.")
