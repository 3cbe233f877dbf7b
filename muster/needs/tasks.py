"""Background work of the needs app (django-tasks): each task only calls the code that does the work.

Nothing here is imported back by that code: the action that queues a run (`actions.runs.dispatch_start`)
imports this module, and this module imports `dispatching`, which imports neither.
"""

from django_tasks import task

from muster.needs.dispatching import dispatch_execute


@task()
def dispatch_run(run_id: int) -> str:
    return dispatch_execute(run_id)
