"""Forms of the billing pages."""

from django import forms


class PlanForm(forms.Form):
    plan = forms.ChoiceField()
    interval = forms.ChoiceField(choices=[("month", "Monthly"), ("year", "Yearly")])

    def __init__(self, *args, plans, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [(p.code, p.name) for p in plans]
