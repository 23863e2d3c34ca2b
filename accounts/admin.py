"""The staff admin: users, accounts, members and sites (billing/admin.py adds billing).

Only staff reach /admin/, and its login goes through the product's own login
page, so the throttle and the second factor apply to staff too.
"""

from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import Account, ApiKey, Invitation, Membership, Site, SiteDeletion
from accounts.services.team import set_suspended


def admin_login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """The admin has no login form: staff log in on the product's page (throttle, 2FA).

    Django's admin login form would authenticate with the password alone, so
    it is never shown: anonymous visitors go to the product's login, staff
    already logged in go on, and other signed-in users find nothing here.
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect_to_login(next_url, reverse("login"))
    if request.user.is_active and request.user.is_staff:
        return HttpResponseRedirect(next_url)
    raise Http404("No admin here.")


admin.site.login = admin_login


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0
    fields = ["name", "public_id", "time_zone", "retention_months"]
    readonly_fields = ["public_id"]
    show_change_link = True


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    """Accounts' own columns and actions; billing/admin.py registers a subclass in its place."""

    list_display = ["name", "owner", "site_count", "created", "suspended"]
    list_filter = ["suspended"]
    search_fields = ["name", "memberships__user__email", "sites__public_id"]
    inlines = [MembershipInline, SiteInline]
    actions = ["suspend", "unsuspend"]
    date_hierarchy = "created"

    @admin.display(description="owner")
    def owner(self, account: Account) -> str:
        owner = (
            account.memberships.filter(role=Membership.Role.OWNER).select_related("user").first()
        )
        return owner.user.email if owner else "—"

    @admin.display(description="sites")
    def site_count(self, account: Account) -> int:
        return account.sites.count()

    @admin.action(description="Suspend: keep collecting, show members a notice")
    def suspend(self, request: HttpRequest, queryset: QuerySet[Account]) -> None:
        for account in queryset:
            set_suspended(account=account, suspended=True)
        messages.success(request, f"Suspended {queryset.count()} account(s).")

    @admin.action(description="Unsuspend")
    def unsuspend(self, request: HttpRequest, queryset: QuerySet[Account]) -> None:
        for account in queryset:
            set_suspended(account=account, suspended=False)
        messages.success(request, f"Unsuspended {queryset.count()} account(s).")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "account", "role"]
    list_filter = ["role"]
    search_fields = ["user__email", "account__name"]
    list_select_related = ["user", "account"]
    autocomplete_fields = ["user", "account"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "public_id",
        "account",
        "time_zone",
        "retention_months",
        "share_enabled",
        "created",
    ]
    list_filter = ["retention_months", "share_enabled", "time_zone"]
    search_fields = ["name", "public_id", "hostnames", "account__name"]
    list_select_related = ["account"]
    autocomplete_fields = ["account"]
    # A hash from make_password: typing a plain password here would not work.
    readonly_fields = ["share_password", "public_id"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "account", "role", "created", "expires", "accepted"]
    list_filter = ["role"]
    search_fields = ["email", "account__name"]
    list_select_related = ["account"]
    exclude = ["token_hash"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "prefix",
        "user",
        "account",
        "site",
        "can_write",
        "last_used",
        "revoked",
    ]
    list_filter = ["can_write"]
    search_fields = ["name", "prefix", "user__email", "account__name"]
    list_select_related = ["user", "account", "site"]
    exclude = ["key_hash"]
    readonly_fields = ["prefix", "last_used"]


@admin.register(SiteDeletion)
class SiteDeletionAdmin(admin.ModelAdmin):
    list_display = ["site_id", "public_id", "deleted", "finished"]
    search_fields = ["public_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
