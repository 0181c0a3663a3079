from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.keyring import keyring
from core.models import SealedTOTPDevice
from core.totp_secrets import TotpSecretUnavailable


class Command(BaseCommand):
    help = (
        "Seal every TOTP secret again under the newest totp key (after keys_rotate totp), so "
        "that the older keys can be removed from the key file. Devices also move to the newest "
        "key by themselves at their next accepted code."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        current = keyring().current_totp.kid
        stale = SealedTOTPDevice.objects.exclude(key_id=current).values_list("pk", flat=True)
        resealed, unreadable = 0, []
        for pk in list(stale):
            try:
                resealed += _reseal(pk)
            except TotpSecretUnavailable:
                unreadable.append(pk)
        self.stdout.write(f"{resealed} device(s) now sealed under {current}")
        if unreadable:
            # Their key is gone: only a 2FA reset (delete the device, re-enrol) helps.
            raise CommandError(f"these devices do not open, reset them: {unreadable}")


def _reseal(pk: int) -> int:
    """1 if the device was resealed; 0 if it went (or moved) meanwhile."""
    with transaction.atomic():
        device = SealedTOTPDevice.objects.select_for_update().filter(pk=pk).first()
        if device is None or device.key_id == keyring().current_totp.kid:
            return 0
        device.key_reseal()
        return 1
