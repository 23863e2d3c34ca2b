"""Forms of the account pages. Choices that name objects are built from what the user may see,

so an id of another account's object is simply not a valid choice.
"""

import zoneinfo

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.models import AbstractBaseUser

from accounts.models import Invitation, Membership, Site
from accounts.models.core import RETENTION_CHOICES

TIME_ZONES = sorted(zoneinfo.available_timezones())


class SignUpForm(forms.Form):
    email = forms.EmailField(max_length=150)
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    account_name = forms.CharField(
        max_length=200, required=False, label="Company or project name (optional)"
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class LoginForm(forms.Form):
    username = forms.CharField(label="Email", max_length=254)
    password = forms.CharField(widget=forms.PasswordInput)


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=20,
        label="Code from your authenticator app, or a recovery code",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )


class EmailChangeForm(forms.Form):
    email = forms.EmailField(label="New email address", max_length=150)


class InviteForm(forms.Form):
    email = forms.EmailField(max_length=150)
    role = forms.ChoiceField(choices=Invitation._meta.get_field("role").choices)


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        choices=[(Membership.Role.ADMIN, "Admin"), (Membership.Role.VIEWER, "Viewer")]
    )


class SiteForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=[(z, z) for z in TIME_ZONES])
    retention_months = forms.TypedChoiceField(
        choices=RETENTION_CHOICES, coerce=int, label="Keep raw data"
    )

    class Meta:
        model = Site
        fields = [
            "name", "hostnames", "time_zone", "query_params", "retention_months",
            "engaged_bounce", "blocked_addresses", "blocked_countries", "blocked_paths",
        ]  # fmt: skip
        labels = {
            "hostnames": "Allowed hostnames (one per line; *.example.com for subdomains)",
            "query_params": "Query parameters that tell pages apart (e.g. id, page)",
            "engaged_bounce": "A one-page visit engaged for a while is not a bounce",
            "blocked_addresses": "Blocked IP addresses and ranges (one per line, e.g. "
            "203.0.113.7 or 2001:db8::/32)",
            "blocked_countries": "Blocked countries (two-letter codes, e.g. RU, CN)",
            "blocked_paths": "Blocked page paths (one per line; * is any text, e.g. /admin/*)",
        }
        widgets = {
            "hostnames": forms.Textarea(attrs={"rows": 3}),
            "blocked_addresses": forms.Textarea(attrs={"rows": 3}),
            "blocked_paths": forms.Textarea(attrs={"rows": 3}),
        }


class ConfirmNameForm(forms.Form):
    confirm = forms.CharField(max_length=200, label="Type the name to confirm")


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=100)
    scope = forms.ChoiceField(label="Sites")
    can_write = forms.BooleanField(required=False, label="Allow changes (read-write)")

    def __init__(self, *args, user: AbstractBaseUser, memberships, sites, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = []
        for membership in memberships:
            choices.append(
                (f"account:{membership.account_id}", f"All sites of {membership.account.name}")
            )
        for site in sites:
            choices.append((f"site:{site.pk}", f"{site.account.name} / {site.name}"))
        self.fields["scope"].choices = choices
