from typing import Any

from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Organisations and staff"

    def ready(self) -> None:
        from core import checks  # noqa: F401  registers the key file check

        post_migrate.connect(_schema_version_record, sender=self)


def _schema_version_record(**kwargs: Any) -> None:
    """Every completed migrate records the release that ran it (core.schema), so workers of an
    older release stop before their next task."""
    from core.schema import schema_version_record

    if kwargs.get("using", DEFAULT_DB_ALIAS) == DEFAULT_DB_ALIAS:
        schema_version_record()
