"""Milestones: dated notes on a site's chart ("launched the new pricing page").

They are the only rows the reports app owns. Figures never live here: those
are read through the query layer (reports.stats). Milestones are written by
reports/services.py and read by reports/selectors.py only.
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
