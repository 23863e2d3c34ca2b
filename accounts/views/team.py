"""An account's members: the team page, invitations, roles, ownership, leaving and deleting.

Every URL names the account by id; `get_account_for_user` answers 404 for
accounts the user is not in, and member ids are looked up within the
account, so changing an id in a URL reaches nothing of another account.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import ConfirmNameForm, InviteForm, RoleForm
from accounts.models import Invitation
from accounts.permissions import Action, can, require, role_of
from accounts.selectors import (
    find_invitation,
    get_account_for_user,
    get_member,
    members_of,
    pending_invitations,
    sites_of_account,
)
from accounts.services import team


def _team_url(account_id: int) -> str:
    return reverse("accounts:team", args=[account_id])


@login_required
@require_http_methods(["GET", "POST"])
def team_page(request: HttpRequest, account_id: int) -> HttpResponse:
    """Members and pending invitations; POST invites someone."""
    account = get_account_for_user(user=request.user, account_id=account_id)
    role = role_of(user=request.user, account=account)
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        require(user=request.user, account=account, action=Action.MANAGE_MEMBERS)
        if form.is_valid():
            try:
                team.invite(actor=request.user, account=account, **form.cleaned_data)
            except ValidationError as error:
                form.add_error("email", error)
            else:
                messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
                return HttpResponseRedirect(_team_url(account.pk))
    context = {
        "account": account,
        "role": role,
        "members": members_of(account=account),
        "invitations": pending_invitations(account=account),
        "sites": sites_of_account(account=account),
        "form": form,
        "role_form": RoleForm(),
        "can_manage": can(user=request.user, account=account, action=Action.MANAGE_MEMBERS),
        "can_edit": can(user=request.user, account=account, action=Action.EDIT_SITE),
        "is_owner": can(user=request.user, account=account, action=Action.DELETE_ACCOUNT),
    }
    return render(request, "accounts/team.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, account_id: int, invitation_id: int) -> HttpResponse:
    account = get_account_for_user(user=request.user, account_id=account_id)
    invitation = get_object_or_404(Invitation, pk=invitation_id, account=account)
    team.revoke_invitation(actor=request.user, invitation=invitation)
    messages.success(request, "The invitation is withdrawn.")
    return HttpResponseRedirect(_team_url(account.pk))


@login_required
@require_POST
def member_action(request: HttpRequest, account_id: int, membership_id: int) -> HttpResponse:
    """Change a member's role, remove them, or make them the owner."""
    account = get_account_for_user(user=request.user, account_id=account_id)
    membership = get_member(account=account, membership_id=membership_id)
    action = request.POST.get("action", "")
    try:
        if action == "role":
            team.change_role(
                actor=request.user, membership=membership, role=request.POST.get("role", "")
            )
            messages.success(request, f"{membership.user.email} is now {membership.role}.")
        elif action == "remove":
            team.remove_member(actor=request.user, membership=membership)
            messages.success(request, f"{membership.user.email} was removed.")
        elif action == "transfer":
            team.transfer_ownership(actor=request.user, account=account, to=membership)
            messages.success(request, f"{membership.user.email} is now the owner.")
        else:
            messages.error(request, "Unknown action.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return HttpResponseRedirect(_team_url(account.pk))


@login_required
@require_POST
def leave(request: HttpRequest, account_id: int) -> HttpResponse:
    account = get_account_for_user(user=request.user, account_id=account_id)
    try:
        team.leave(user=request.user, account=account)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(_team_url(account.pk))
    messages.success(request, f"You left {account.name}.")
    return HttpResponseRedirect(reverse("accounts:home"))


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest, account_id: int) -> HttpResponse:
    account = get_account_for_user(user=request.user, account_id=account_id)
    require(user=request.user, account=account, action=Action.DELETE_ACCOUNT)
    form = ConfirmNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team.delete_account(
                actor=request.user, account=account, confirm=form.cleaned_data["confirm"]
            )
        except ValidationError as error:
            form.add_error("confirm", error)
        else:
            messages.success(request, f"{account.name} and all its data were deleted.")
            return HttpResponseRedirect(reverse("accounts:home"))
    context = {"account": account, "form": form, "sites": sites_of_account(account=account)}
    return render(
        request, "accounts/delete_account.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation email: log in (or sign up) as the invited address, then join."""
    found = find_invitation(token=token)
    if found is None:
        return render(request, "accounts/invitation.html", {"invalid": True}, status=404)
    here = reverse("accounts:invitation", args=[token])
    if not request.user.is_authenticated:
        context = {"invitation": found, "next": here}
        return render(request, "accounts/invitation.html", context)
    if request.method == "POST":
        try:
            team.accept_invitation(user=request.user, invitation=found)
        except PermissionDenied as error:
            return render(
                request,
                "accounts/invitation.html",
                {"invitation": found, "wrong_user": True, "error": str(error)},
                status=403,
            )
        messages.success(request, f"You joined {found.account.name}.")
        return HttpResponseRedirect(reverse("reports:site_list"))
    wrong = request.user.email.lower() != found.email.lower()
    return render(
        request,
        "accounts/invitation.html",
        {"invitation": found, "wrong_user": wrong},
        status=403 if wrong else 200,
    )
