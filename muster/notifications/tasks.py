"""Background delivery of the outbox (django-tasks)."""

from django_tasks import task

from muster.notifications import actions


@task()
def deliver(notification_id: int) -> str:
    return actions.deliver_one(notification_id)


@task()
def flush_due() -> int:
    return actions.flush_due()
