from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One write (or sensitive read) made through an action: who, what, when, where from."""

    class Kind(models.TextChoices):
        WRITE = "write", _("Write")  # a change to data
        READ = "read", _("Sensitive read")  # e.g. a full ID number shown
        AUTH = "auth", _("Sign-in")  # log in / out / failed log in

    at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("actor")
    )
    actor_label = models.CharField(max_length=150, blank=True, verbose_name=_("actor"))
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.WRITE, verbose_name=_("kind"))
    action = models.CharField(max_length=80, db_index=True, verbose_name=_("action"))
    object_type = models.CharField(max_length=60, blank=True, verbose_name=_("object type"))
    object_id = models.CharField(max_length=64, blank=True, verbose_name=_("object id"))
    object_repr = models.CharField(max_length=200, blank=True, verbose_name=_("object"))
    # Materialised path of the region the object belongs to, so a coordinator can
    # browse their subtree's trail with one indexed prefix filter.
    region_path = models.CharField(max_length=255, blank=True, db_index=True)
    ip = models.CharField(max_length=45, blank=True, verbose_name=_("IP address"))
    user_agent = models.CharField(max_length=300, blank=True)
    via = models.CharField(max_length=8, blank=True, verbose_name=_("via"))
    changes = models.JSONField(default=dict, blank=True, verbose_name=_("changes"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"


class IdempotencyRecord(models.Model):
    """The stored answer to a retried write, keyed by the client's idempotency key."""

    key = models.CharField(max_length=100)
    scope = models.CharField(max_length=60)
    user_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.PositiveSmallIntegerField(default=200)
    response = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_unique_scope_key")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class Heartbeat(models.Model):
    """When a background process (a task worker or a ticker) was last seen alive, one row per process.

    Pages that wait on background work read it to say so when nothing runs; /healthz reports it.
    """

    class Role(models.TextChoices):
        WORKER = "worker", _("Task worker")  # runs queued tasks (solves, deliveries)
        TICKER = "ticker", _("Ticker")  # runs the periodic jobs

    name = models.CharField(max_length=120, unique=True)  # role:host:pid
    role = models.CharField(max_length=8, choices=Role.choices)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["role", "-seen_at"])]

    def __str__(self) -> str:
        return f"{self.name} {self.seen_at:%Y-%m-%d %H:%M:%S}"


class ImportJob(models.Model):
    """A large upload imported by a worker: the file, its progress, and the row report at the end.

    The file is kept only until the job ends; the import itself stays all or nothing.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")  # waiting for a worker
        RUNNING = "running", _("Running")  # a worker is checking, then writing, the rows
        DONE = "done", _("Imported")  # every row written
        REFUSED = "refused", _("Refused")  # problems found in the file; nothing was written
        FAILED = "failed", _("Failed")  # stopped with an error; nothing was written

    kind = models.CharField(max_length=40, verbose_name=_("kind"))  # what is imported, e.g. "people"
    importer = models.CharField(max_length=200)  # dotted path of the import action (set by code, never by a user)
    params = models.JSONField(default=dict, blank=True)
    filename = models.CharField(max_length=200, verbose_name=_("file"))
    data = models.BinaryField(default=b"")  # the uploaded file, encrypted (pii.encrypt_bytes) until the job ends
    rows = models.PositiveIntegerField(default=0, verbose_name=_("rows"))  # counted at upload
    done = models.PositiveIntegerField(default=0)  # rows read so far
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True,
                              verbose_name=_("status"))
    report = models.JSONField(default=dict, blank=True)
    back_url = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.status})"

    @property
    def busy(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        return min(100, int(100 * self.done / self.rows)) if self.rows else 0
