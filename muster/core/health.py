"""Health endpoints (django-health-check), public and free of anything sensitive.

- `/healthz`: the database, the task queue (the database queue, or Redis), a task worker and
  a ticker seen within two minutes. For monitoring: 500 when anything background is down.
- `/healthz/node`: the database only, for a load balancer: this node can serve pages even
  when no worker runs.

JSON by default (`?format=text` and the other formats of django-health-check also work).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.conf import settings
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from muster.core import heartbeat

SEEN_WITHIN = dt.timedelta(minutes=2)


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """The configured task queue answers: Redis pings, or the database queue's table can be read."""

    def __repr__(self) -> str:  # no host or port in a public answer
        return "TaskQueue"

    def run(self) -> None:
        if settings.TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
            from django_rq import get_connection
            from redis.exceptions import RedisError

            try:
                get_connection("default").ping()
            except RedisError as e:
                raise ServiceUnavailable("Redis queue unavailable") from e
            return
        from django.db import Error
        from django_tasks_db.models import DBTaskResult

        try:
            DBTaskResult.objects.ready().exists()
        except Error as e:
            raise ServiceUnavailable("database queue unavailable") from e


@dataclasses.dataclass
class Background(HealthCheck):
    """A process in `role` (worker or ticker) recorded a heartbeat within SEEN_WITHIN."""

    role: str = heartbeat.WORKER

    def __repr__(self) -> str:
        return "Worker" if self.role == heartbeat.WORKER else "Ticker"

    def run(self) -> None:
        seen = heartbeat.last_seen(self.role)
        if seen is None:
            raise ServiceUnavailable(f"no {self.role} has been seen")
        age = timezone.now() - seen
        if age > SEEN_WITHIN:
            raise ServiceUnavailable(f"no {self.role} seen for {int(age.total_seconds())} s")


@dataclasses.dataclass
class DatabaseCheck(Database):
    def __repr__(self) -> str:
        return "Database"


class HealthView(HealthCheckView):
    def get(self, request, *args, **kwargs):
        if "format" not in request.GET and "text/html" not in request.headers.get("accept", ""):
            request.GET = request.GET.copy()
            request.GET["format"] = "json"  # monitors and curl get JSON unless they ask for a page
        return super().get(request, *args, **kwargs)


full = HealthView.as_view(checks=[DatabaseCheck, TaskQueue, (Background, {"role": heartbeat.WORKER}),
                                  (Background, {"role": heartbeat.TICKER})])
node = HealthView.as_view(checks=[DatabaseCheck])
