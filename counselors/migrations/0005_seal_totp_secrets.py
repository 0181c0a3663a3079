"""Move every django-otp TOTPDevice into SealedTOTPDevice, its secret sealed, and delete the
plaintext rows: after this no TOTP secret is left readable in the database.

It seals under the key file's current "totp" key, so production needs one before migrating
(`manage.py keys_rotate totp` adds it to an older file). Sessions verified with an old device
ask for a code again. Going back restores the plaintext rows, for a rollback only.
"""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from counselors.totp_secrets import totp_secret_open, totp_secret_seal

# The fields both models share, copied as they are.
SHARED = (
    "user_id",
    "name",
    "confirmed",
    "step",
    "t0",
    "digits",
    "tolerance",
    "drift",
    "last_t",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "last_used_at",
)


def _move(source: Any, target: Any, db: str, secret: Any) -> None:
    for old in source.objects.using(db).order_by("pk").iterator():
        new = target.objects.using(db).create(
            **{field: getattr(old, field) for field in SHARED}, **secret(old)
        )
        # created_at is auto_now_add; the device's real age is worth keeping.
        target.objects.using(db).filter(pk=new.pk).update(created_at=old.created_at)
    source.objects.using(db).all().delete()


def seal_plaintext_devices(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    def sealed(old: Any) -> dict[str, Any]:
        kid, blob = totp_secret_seal(bytes.fromhex(old.key), user_id=old.user_id)
        return {"key_id": kid, "sealed_key": blob}

    _move(
        apps.get_model("otp_totp", "TOTPDevice"),
        apps.get_model("counselors", "SealedTOTPDevice"),
        schema_editor.connection.alias,
        sealed,
    )


def unseal_to_plaintext_devices(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    def plain(old: Any) -> dict[str, Any]:
        secret = totp_secret_open(old.key_id, bytes(old.sealed_key), user_id=old.user_id)
        return {"key": secret.hex()}

    _move(
        apps.get_model("counselors", "SealedTOTPDevice"),
        apps.get_model("otp_totp", "TOTPDevice"),
        schema_editor.connection.alias,
        plain,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("counselors", "0004_sealed_totp_device"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(seal_plaintext_devices, unseal_to_plaintext_devices)]
