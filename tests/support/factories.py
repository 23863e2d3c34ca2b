"""Factories for the objects tests need; no fixture files."""

import factory
from django.contrib.auth import get_user_model

from accounts.models import Account, Membership, Site


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
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Account {n}")


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
