"""The emails page's forms: what each POST may hold, with the problem named when it is wrong."""

from django import forms

from reports.email.choices import MAX_STOPPED_HOURS


class PreferenceForm(forms.Form):
    weekly = forms.BooleanField(required=False, label="Weekly report (Monday morning)")
    monthly = forms.BooleanField(required=False, label="Monthly report (on the 1st)")
    alerts = forms.BooleanField(required=False, label="Traffic alerts")


class AlertSettingsForm(forms.Form):
    spike_visitors = forms.IntegerField(
        required=False, min_value=1, max_value=10_000_000,
        label="Spike alert above this many current visitors (empty: off)",
    )  # fmt: skip
    stopped_enabled = forms.BooleanField(required=False, label="Tell me when tracking stops")
    stopped_hours = forms.IntegerField(
        min_value=1, max_value=MAX_STOPPED_HOURS, initial=6,
        label="…after this many hours without pageviews",
    )  # fmt: skip


class RecipientForm(forms.Form):
    email = forms.EmailField(max_length=254)
    weekly = forms.BooleanField(required=False, initial=True)
    monthly = forms.BooleanField(required=False)
