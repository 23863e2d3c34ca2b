from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "tracking"

    def ready(self) -> None:
        from accounts.signals import site_deleted
        from accounts.site_sections import register_site_section
        from tracking.drops import render_drops
        from tracking.retention import start_deleting_site_data

        register_site_section(render_drops)
        site_deleted.connect(start_deleting_site_data, dispatch_uid="tracking.delete_site_data")
