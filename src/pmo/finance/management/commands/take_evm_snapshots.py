"""Store the month-end EVM snapshots of every portfolio (run on the 1st of each month)."""

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from pmo.core.text import counted
from pmo.finance.periods import month_end, month_start, parse_day
from pmo.finance.services import take_snapshots
from pmo.portfolios.models import Portfolio


class Command(BaseCommand):
    help = (
        "Store the EVM figures of every project, program and portfolio at a status date "
        "(default: the end of last month). Figures already stored are never changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Status date (YYYY-MM-DD).")

    def handle(self, *args, date=None, **options):
        today = timezone.localdate()
        default = month_end(month_start(today) - dt.timedelta(days=1))
        day = parse_day(date, default)
        total = 0
        for portfolio in Portfolio.objects.all():
            total += len(take_snapshots(portfolio.projects.all(), day))
        self.stdout.write(f"{counted(total, 'snapshot')} stored for {day:%d %b %Y}.")
