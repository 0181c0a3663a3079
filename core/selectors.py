"""Reads about staff accounts: the organisations a role reaches, and the second factor."""

from django.db.models import QuerySet

from core.models import Organisation, Role, SealedTOTPDevice, User


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
