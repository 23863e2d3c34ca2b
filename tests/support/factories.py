"""Factories for the objects tests need; no fixture files."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from accounts.models import Account, Membership, Site
from accounts.services import open_account


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    username = factory.LazyAttribute(lambda u: u.email)
    password = factory.PostGenerationMethodCall("set_password", "a-good-password-1")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AccountFactory(factory.django.DjangoModelFactory):
    """An account opened as sign-up opens them, so billing puts it on a fresh trial."""

    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Account {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return open_account(*args, **kwargs)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    account = factory.SubFactory(AccountFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.VIEWER


def member_of(account: Account, role: str, **user_fields) -> object:
    """A new user with `role` in `account`."""
    return MembershipFactory(account=account, role=role, user=UserFactory(**user_fields)).user


class SiteFactory(factory.django.DjangoModelFactory):
    """A site in a new account; `owner=` makes that user the account's owner."""

    class Meta:
        model = Site
        skip_postgeneration_save = True

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    hostnames = "example.com"
    time_zone = "UTC"

    @factory.post_generation
    def owner(obj, create, extracted, **kwargs):
        if create and extracted is not None:
            Membership.objects.get_or_create(
                account=obj.account, user=extracted, defaults={"role": Membership.Role.OWNER}
            )


class MilestoneFactory(factory.django.DjangoModelFactory):
    """A note on a site's chart (reports.models.Milestone)."""

    class Meta:
        model = "reports.Milestone"

    site = factory.SubFactory(SiteFactory)
    date = factory.Sequence(lambda n: dt.date(2026, 1, 1) + dt.timedelta(days=n % 28))
    label = factory.Sequence(lambda n: f"Milestone {n}")
