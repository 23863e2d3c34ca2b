"""Admin for email deliveries (failed and unconfirmed ones to look at), recipients and alerts."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from reports import services
from reports.models import AlertEpisode, EmailDelivery, ExtraRecipient


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    list_display = ["key", "site", "recipient", "status", "attempts", "next_attempt", "sent_at"]
    list_filter = ["status"]
    search_fields = ["recipient", "key"]
    readonly_fields = [f.name for f in EmailDelivery._meta.fields]
    actions = ["send_again"]

    @admin.action(description="Send again (failed or unconfirmed: may send a second copy)")
    def send_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        pks = queryset.values_list("pk", flat=True)
        changed = services.send_again(pks=pks, now=timezone.now())
        messages.success(request, f"{changed} emails will be sent again.")


@admin.register(ExtraRecipient)
class ExtraRecipientAdmin(admin.ModelAdmin):
    list_display = ["email", "site", "weekly", "monthly", "confirmed", "created"]
    search_fields = ["email"]


@admin.register(AlertEpisode)
class AlertEpisodeAdmin(admin.ModelAdmin):
    list_display = ["site", "kind", "started", "ended", "detail"]
    list_filter = ["kind"]
