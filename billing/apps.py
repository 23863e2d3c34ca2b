from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"

    def ready(self) -> None:
        """Hook billing into accounts, which knows nothing of it (docs/architecture.md).

        Every account opened (sign-up, the demo, tests' factories) starts its
        free trial; the settings page links each account's billing pages.
        """
        from accounts.links import register_account_link
        from accounts.permissions import Action
        from accounts.signals import account_opened
        from billing.receivers import start_trial_on_opening

        account_opened.connect(start_trial_on_opening, dispatch_uid="billing.start_trial")
        register_account_link(
            label="Plan and usage", url_name="billing:billing", action=Action.BILLING
        )
        register_account_link(label="Invoices", url_name="billing:invoices", action=Action.BILLING)
