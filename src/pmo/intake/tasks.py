"""Background work of intake: the optimiser run behind the selection page."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.tasks import task

from pmo.jobs.services import job_task
from pmo.portfolios.models import Portfolio

from . import services


@task()
@job_task
def optimise_portfolio(*, job_id, progress, user_id: int, portfolio_id: int, options: dict):
    user = get_user_model().objects.get(pk=user_id)
    portfolio = Portfolio.objects.get(pk=portfolio_id)
    try:
        # the service checks the permission again: it may have changed since enqueueing
        return services.optimise(user, portfolio, progress=progress, **options)
    except services.SelectionConflict as conflict:
        # an infeasible portfolio is an answer for the user, not a failed job
        return {"infeasible": True, "conflicts": conflict.conflicts}
    except ValidationError as error:
        return {"infeasible": True, "conflicts": [{"message": m} for m in error.messages]}


@task()
@job_task
def price_scenario(*, job_id, progress, user_id: int, scenario_id: int):
    from .models import Scenario

    user = get_user_model().objects.get(pk=user_id)
    scenario = Scenario.objects.get(pk=scenario_id)
    try:
        return services.price_scenario(user, scenario, progress=progress)
    except services.SelectionConflict as conflict:
        return {"infeasible": True, "conflicts": conflict.conflicts}
