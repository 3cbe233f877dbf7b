"""Background work of the needs app (django-tasks)."""

from django_tasks import task


@task()
def dispatch_run(run_id: int) -> str:
    from muster.needs.dispatching import dispatch_execute

    return dispatch_execute(run_id)
