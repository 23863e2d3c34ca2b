"""Writes for accounts and sites."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from accounts.models import Account, Membership, Site


@transaction.atomic
def create_account_with_owner(*, user: AbstractBaseUser, name: str) -> Account:
    account = Account.objects.create(name=name)
    Membership.objects.create(account=account, user=user, role=Membership.Role.OWNER)
    return account


def create_site(
    *, account: Account, name: str, hostnames: list[str], time_zone: str = "UTC"
) -> Site:
    site = Site(account=account, name=name, hostnames="\n".join(hostnames), time_zone=time_zone)
    site.full_clean()
    site.save()
    return site


def create_user(*, email: str, password: str) -> AbstractBaseUser:
    return get_user_model().objects.create_user(username=email, email=email, password=password)
