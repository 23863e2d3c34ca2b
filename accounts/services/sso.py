"""Users that single sign-on creates (OIDC_CREATE_USERS)."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from accounts.models import Account, Membership
from accounts.services.sites import create_user, open_account


@transaction.atomic
def create_sso_user(*, email: str) -> AbstractBaseUser:
    """A user without a password, in OIDC_DEFAULT_ACCOUNT with OIDC_DEFAULT_ROLE.

    Without a default account the user gets an account of their own, as on
    sign-up. The user can only log in through the provider (no usable password).
    """
    user = create_user(email=email, password=None)
    if settings.OIDC_DEFAULT_ACCOUNT:
        account = Account.objects.get(pk=settings.OIDC_DEFAULT_ACCOUNT)
        Membership.objects.create(account=account, user=user, role=settings.OIDC_DEFAULT_ROLE)
    else:
        open_account(name=email.split("@")[0], owner=user)
    return user
