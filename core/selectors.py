"""Reads about staff accounts: the organisations a role reaches, and the second factor."""

from django.db.models import QuerySet

from core.models import Organisation, Role, SealedTOTPDevice, User

CODE_MAX = Organisation._meta.get_field("code").max_length or 20


def organisations_in_scope(user: User) -> QuerySet[Organisation]:
    """The organisations whose records this person's role reaches.

    Auditors reach their organisation's whole subtree, national administrators everything,
    everyone else their own organisation only.
    """
    if user.role == Role.ADMINISTRATOR and user.organisation is None:
        return Organisation.objects.all()
    if user.organisation is None:
        return Organisation.objects.none()
    if user.role in (Role.AUDITOR, Role.ADMINISTRATOR):
        return Organisation.objects.subtree_of(user.organisation)
    return Organisation.objects.filter(pk=user.organisation.pk)


def second_factor_passed(user: object) -> bool:
    """django-otp's OTPMiddleware gives request.user an is_verified() method."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def user_has_totp(user: User) -> bool:
    return SealedTOTPDevice.objects.filter(user=user, confirmed=True).exists()


def organisation_by_code(code: str) -> Organisation | None:
    """The active organisation with this code, or None for any code that cannot be one: too
    long, or not printable (PostgreSQL refuses a NUL in text with an error, not a miss)."""
    if len(code) > CODE_MAX or not code.isprintable():
        return None
    return (
        Organisation.objects.filter(is_active=True)
        .select_related("parent")
        .filter(code=code)
        .first()
    )
