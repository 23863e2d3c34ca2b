"""Sign-up, email verification, email changes and two-factor authentication.

Email links are signed tokens (django.core.signing) rather than rows: they
expire on their own, and each one names the address it was sent to, so a
link stops working once the address it proves has changed.
"""

import hashlib
import secrets

import pyotp
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.emails import absolute_url, send_templated
from accounts.models import RecoveryCode, TwoFactor
from accounts.services.sites import create_account_with_owner, create_user

VERIFY_SALT = "accounts.verify-email"
CHANGE_SALT = "accounts.change-email"
RECOVERY_CODES = 10
ISSUER = "Analytics"


def email_taken(email: str) -> bool:
    return get_user_model().objects.filter(email__iexact=email.strip()).exists()


@transaction.atomic
def sign_up(*, email: str, password: str, account_name: str = "", next_url: str = ""):
    """A new, inactive user with an account on a trial; the email link activates it."""
    email = email.strip().lower()
    if email_taken(email):
        raise ValidationError("An account with this email already exists. Log in instead.")
    user = create_user(email=email, password=password, is_active=False)
    create_account_with_owner(user=user, name=account_name.strip() or email.split("@")[0])
    send_verification(user=user, next_url=next_url)
    return user


def _verification_state(user: AbstractBaseUser) -> str:
    """What a verification link is bound to: it dies when any of it changes.

    Activating the user, a first login, a new password or a new address each
    end every link sent before, so a link verifies once and never logs anyone
    in again (an admin's deactivation cannot be undone by an old link either:
    the user has logged in since it was sent).
    """
    last_login = user.last_login.isoformat() if user.last_login else ""
    state = f"{user.is_active}|{user.password}|{user.email}|{last_login}"
    return salted_hmac(VERIFY_SALT, state).hexdigest()[:32]


def send_verification(*, user: AbstractBaseUser, next_url: str = "") -> None:
    token = signing.dumps(
        {"u": user.pk, "e": user.email, "n": next_url, "s": _verification_state(user)},
        salt=VERIFY_SALT,
    )
    send_templated(
        to=[user.email], template="accounts/email/verify_email",
        context={"user": user, "url": absolute_url(reverse("accounts:verify", args=[token])),
                 "days": settings.EMAIL_VERIFICATION_DAYS},
    )  # fmt: skip


def verify_email(*, token: str) -> tuple[AbstractBaseUser, str] | None:
    """Activate the user the link was sent to; (user, where to go next) or None.

    None for a link that is forged, expired, or already used (see
    `_verification_state`): a verification link is not a login link.
    """
    try:
        data = signing.loads(
            token, salt=VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_DAYS * 86400
        )
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None or user.is_active:
        return None
    if not constant_time_compare(str(data.get("s", "")), _verification_state(user)):
        return None
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user, data.get("n", "")


def request_email_change(*, user: AbstractBaseUser, new_email: str) -> None:
    """Send a confirmation link to the new address; nothing changes until it is opened."""
    new_email = new_email.strip().lower()
    if email_taken(new_email):
        raise ValidationError("That email address is already in use.")
    token = signing.dumps({"u": user.pk, "old": user.email, "new": new_email}, salt=CHANGE_SALT)
    send_templated(
        to=[new_email], template="accounts/email/change_email",
        context={"user": user, "new_email": new_email,
                 "url": absolute_url(reverse("accounts:confirm_email", args=[token])),
                 "days": settings.EMAIL_VERIFICATION_DAYS},
    )  # fmt: skip


def confirm_email_change(*, user: AbstractBaseUser, token: str) -> str:
    """Apply a change link opened by the same user; returns the new address."""
    try:
        data = signing.loads(
            token, salt=CHANGE_SALT, max_age=settings.EMAIL_VERIFICATION_DAYS * 86400
        )
    except signing.BadSignature:
        raise ValidationError("This link is invalid or has expired.") from None
    if data.get("u") != user.pk or data.get("old") != user.email:
        raise ValidationError("This link is for another account or an older address.")
    if email_taken(data["new"]):
        raise ValidationError("That email address is already in use.")
    user.email = user.username = data["new"]
    user.save(update_fields=["email", "username"])
    return user.email


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def has_two_factor(user: AbstractBaseUser) -> bool:
    return TwoFactor.objects.filter(user=user, confirmed__isnull=False).exists()


def start_two_factor(*, user: AbstractBaseUser) -> tuple[str, str]:
    """A new, unconfirmed secret: (secret, otpauth:// URI for authenticator apps)."""
    secret = pyotp.random_base32()
    TwoFactor.objects.update_or_create(
        user=user, defaults={"secret": secret, "confirmed": None, "last_step": 0}
    )
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return secret, uri


def _accept_totp(device: TwoFactor, code: str) -> bool:
    """A valid code from this or the neighbouring 30-second step, never one used before."""
    totp = pyotp.TOTP(device.secret)
    now = timezone.now()
    code = code.replace(" ", "").strip()
    for offset in (0, -1, 1):
        at = now.timestamp() + offset * totp.interval
        step = int(at // totp.interval)
        if step > device.last_step and secrets.compare_digest(totp.at(at), code):
            updated = TwoFactor.objects.filter(pk=device.pk, last_step__lt=step).update(
                last_step=step
            )
            return bool(updated)
    return False


def confirm_two_factor(*, user: AbstractBaseUser, code: str) -> list[str] | None:
    """Turn two-factor on with a first code; returns the recovery codes (shown once)."""
    device = TwoFactor.objects.filter(user=user, confirmed__isnull=True).first()
    if device is None or not _accept_totp(device, code):
        return None
    TwoFactor.objects.filter(pk=device.pk).update(confirmed=timezone.now())
    return new_recovery_codes(user=user)


def new_recovery_codes(*, user: AbstractBaseUser) -> list[str]:
    """Replace the user's recovery codes; only hashes are kept."""
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(user=user, code_hash=_code_hash(code)) for code in codes
        )
    return codes


def check_second_factor(*, user: AbstractBaseUser, code: str) -> bool:
    """An authenticator code, or an unused recovery code (used up by this)."""
    device = TwoFactor.objects.filter(user=user, confirmed__isnull=False).first()
    if device is None:
        return False
    if code.isascii() and code.replace(" ", "").isdigit():
        return _accept_totp(device, code)
    return bool(
        RecoveryCode.objects.filter(
            user=user, code_hash=_code_hash(code), used__isnull=True
        ).update(used=timezone.now())
    )


def disable_two_factor(*, user: AbstractBaseUser) -> None:
    TwoFactor.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
