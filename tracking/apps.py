from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "tracking"

    def ready(self) -> None:
        from accounts.signals import site_deleted
        from tracking.retention import start_deleting_site_data

        site_deleted.connect(start_deleting_site_data, dispatch_uid="tracking.delete_site_data")
