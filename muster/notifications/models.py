from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one person on one channel: the outbox row the worker delivers."""

    class Channel(models.TextChoices):
        CONSOLE = "console", _("Console")  # the server log; also the in-app list
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")  # waiting for the worker (first try or a retry)
        SENDING = "sending", _("Sending")  # claimed by one worker until lease_until; then any worker may retry it
        SENT = "sent", _("Sent")  # the channel accepted it
        FAILED = "failed", _("Failed")  # gave up after the last retry

    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications",
                               verbose_name=_("person"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    channel = models.CharField(max_length=10, choices=Channel.choices, verbose_name=_("channel"))
    address = models.CharField(max_length=200, blank=True, verbose_name=_("address"))
    subject = models.CharField(max_length=200, verbose_name=_("subject"))
    body = models.TextField(blank=True, verbose_name=_("message"))
    url = models.CharField(max_length=300, blank=True)
    # A confidential message (a one-time or personal code): subject and body sit here encrypted until
    # the channel has taken them, then the field is emptied; `subject` only says what kind it was.
    sealed = models.TextField(blank=True)
    # What caused it ("report.accept"), for the person's list and for support.
    event = models.CharField(max_length=60, blank=True, verbose_name=_("event"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True, verbose_name=_("status"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # While SENDING: the claiming worker's lease. Past it that worker is presumed dead, and the row is
    # handed to the channel again under the same idempotency key, so the gateway can drop the repeat.
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True, verbose_name=_("last error"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["person", "-created_at"]), models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel}: {self.subject}"

    @property
    def idempotency_key(self) -> str:
        """The same for every attempt at this message: what a gateway dedups by."""
        return f"muster-notification-{self.pk}"


class InboxRead(models.Model):
    """That a user has seen one inbox item (by its key). Items themselves are not stored: they are
    asked of the domains each time (`muster.notifications.inbox`), so a dealt-with item goes by itself."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)
    read_at = models.DateTimeField()

    class Meta:
        verbose_name = _("inbox read mark")
        verbose_name_plural = _("inbox read marks")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="inbox_read_once")]
        indexes = [models.Index(fields=["read_at"], name="inbox_read_at")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key}"
