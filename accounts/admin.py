from django.contrib import admin

from accounts.models import Account, Membership, Site


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["name", "created", "suspended"]
    list_filter = ["suspended"]
    search_fields = ["name", "memberships__user__email"]
    inlines = [MembershipInline]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "public_id", "account", "time_zone", "created"]
    search_fields = ["name", "public_id", "hostnames"]
    list_select_related = ["account"]
    # A hash from make_password: typing a plain password here would not work.
    readonly_fields = ["share_password"]
