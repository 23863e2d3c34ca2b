"""What the reports app stores: milestones (dated notes on a site's chart), who gets
which emails, what was sent, and traffic alerts.

Sites and users are accounts' (referred to by foreign key, as billing does:
these are small rowstore tables, not analytics tables). The analytics figures
themselves are never stored here: they are read through the query layer
(reports.stats). These rows are written by reports/services.py and read by
reports/selectors.py only.
"""

from django.conf import settings
from django.db import models

from accounts.models import Site

LABEL_MAX_LENGTH = 100


class Milestone(models.Model):
    """A day of a site (in the site's time zone) with a short label.

    A day rather than an instant: the chart's smallest bar for a range longer
    than two days is a day, and "the day we launched" is what people note.
    `created_by` survives the member leaving (it becomes empty), as the note
    is the site's, not theirs.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField()
    label = models.CharField(max_length=LABEL_MAX_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["site", "date"], name="milestone_site_date")]

    def __str__(self) -> str:
        return f"{self.date}: {self.label}"


class Period(models.TextChoices):
    WEEK = "week"
    MONTH = "month"


class ReportPreference(models.Model):
    """A member's choice for one site; without a row, owners get weekly reports and alerts.

    `version` grows each time an unsubscribe link is used, so a link works once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_preferences"
    )
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="report_preferences")
    weekly = models.BooleanField(default=False)
    monthly = models.BooleanField(default=False)
    alerts = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "user"], name="one_report_preference")
        ]


class ExtraRecipient(models.Model):
    """Someone outside the account who gets a site's reports, once they confirmed by link."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="extra_recipients")
    email = models.EmailField()
    weekly = models.BooleanField(default=True)
    monthly = models.BooleanField(default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    confirmed = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "email"], name="one_extra_recipient")
        ]

    def __str__(self) -> str:
        return self.email


class EmailDelivery(models.Model):
    """One email to one recipient, claimed before it is sent so it is sent at most once.

    `key` names what is sent (a report period or an alert episode's event),
    unique with the site and the recipient. Rows are planned as `pending`,
    claimed (`sending`) by one worker with a conditional UPDATE, then `sent`,
    or back to `pending` with a later `next_attempt` after a failure, and
    `failed` after the last attempt. A `sending` row whose worker died stays
    unsent and is shown as `unconfirmed` (docs/emails.md, "Crashes").
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"
        UNCONFIRMED = "unconfirmed"
        SKIPPED = "skipped"  # the recipient stopped wanting it before it was sent

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="email_deliveries")
    key = models.CharField(max_length=64, help_text="week:2026-11-23, month:2026-11-01, alert:…")
    recipient = models.EmailField()
    # Exactly one of: a member (user) or an extra recipient.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    extra = models.ForeignKey(
        ExtraRecipient, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "key", "recipient"], name="one_email_per_key")
        ]
        indexes = [models.Index(fields=["status", "next_attempt"], name="delivery_due")]
        verbose_name_plural = "email deliveries"

    def __str__(self) -> str:
        return f"{self.key} to {self.recipient} ({self.status})"


class AlertSettings(models.Model):
    """A site's alert thresholds, set by its owners and admins."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="alert_settings")
    # Current visitors (last 5 minutes) above this send a spike alert; None: off.
    spike_visitors = models.PositiveIntegerField(null=True, blank=True)
    stopped_enabled = models.BooleanField(default=True)
    stopped_hours = models.PositiveSmallIntegerField(default=6)


class AlertEpisode(models.Model):
    """One spike or one silence of a site, from when it was seen to when it ended.

    An alert is sent when an episode opens, and "back again" when a
    tracking-stopped episode ends: once per episode, however often the check
    runs. At most one open episode per site and kind (`open_key` is unique
    while open and null once ended).
    """

    class Kind(models.TextChoices):
        SPIKE = "spike"
        STOPPED = "stopped"

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="alert_episodes")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    started = models.DateTimeField()
    ended = models.DateTimeField(null=True, blank=True)
    # What was seen: current visitors for a spike, the last pageview hour for a silence.
    detail = models.CharField(max_length=200, blank=True, default="")
    open_key = models.CharField(max_length=40, null=True, blank=True, unique=True)

    class Meta:
        indexes = [models.Index(fields=["site", "started"], name="episode_site_started")]

    def __str__(self) -> str:
        return f"{self.kind} on site {self.site_id} from {self.started:%Y-%m-%d %H:%M}"
