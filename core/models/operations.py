"""Rows that coordinate the processes of one installation rather than hold its data
(docs/architecture.md, "Upgrading" in the README): the schema's release, and leases."""

from django.db import models


class SchemaVersion(models.Model):
    """One row: the release whose `migrate` last ran on this database (core.schema).

    Workers read it before each task, so one still running an older release stops instead of
    writing into a schema it does not know."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    version = models.CharField(max_length=40)
    migrated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.version


class Lease(models.Model):
    """A named lock held until `expires_at` unless its holder renews it (core.leases); a holder
    that crashed loses it by itself when the time runs out."""

    name = models.CharField(max_length=60, primary_key=True)
    holder = models.CharField(max_length=200, blank=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name
