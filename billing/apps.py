from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"

    def ready(self) -> None:
        """Hook billing into accounts, which knows nothing of it (docs/architecture.md).

        Every account opened (sign-up, the demo, tests' factories) starts its
        free trial; the settings page links each account's billing pages. With
        BILLING_ENABLED=false neither happens (billing/switch.py): the settings
        page links the usage page instead.
        """
        from accounts.links import register_account_link
        from accounts.permissions import Action
        from accounts.signals import account_opened
        from billing.receivers import start_trial_on_opening
        from billing.switch import billing_disabled, billing_enabled

        account_opened.connect(start_trial_on_opening, dispatch_uid="billing.start_trial")
        register_account_link(
            label="Plan and usage", url_name="billing:billing", action=Action.BILLING,
            shown=billing_enabled,
        )  # fmt: skip
        register_account_link(
            label="Invoices", url_name="billing:invoices", action=Action.BILLING,
            shown=billing_enabled,
        )  # fmt: skip
        # With billing off (BILLING_ENABLED=false) usage is still shown, on its own page.
        register_account_link(
            label="Usage", url_name="billing:usage", action=Action.BILLING, shown=billing_disabled
        )
