"""Past cases imported from an organisation's paper or spreadsheet register (metadata only), so
year-over-year indicators have a baseline. Never a cases.Case: they have no content, no keys
and no workflow; the indicator engine counts them beside live cases."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import CaseKind, Channel, Finding, ReferralTarget

REJECTED = "rejected"  # a register's "not taken up", kept beside the investigation findings


class HistoricalFinding(models.TextChoices):
    SUBSTANTIATED = Finding.SUBSTANTIATED.value, Finding.SUBSTANTIATED.label
    PARTLY = Finding.PARTLY.value, Finding.PARTLY.label
    UNSUBSTANTIATED = Finding.UNSUBSTANTIATED.value, Finding.UNSUBSTANTIATED.label
    INCONCLUSIVE = Finding.INCONCLUSIVE.value, Finding.INCONCLUSIVE.label
    REJECTED = REJECTED, _("Not taken up")


class HistoricalCase(models.Model):
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="historical_cases"
    )
    external_ref = models.CharField(_("reference in the register"), max_length=64)
    kind = models.CharField(_("kind"), max_length=10, choices=CaseKind.choices)
    category = models.ForeignKey("cases.Category", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    received_date = models.DateField(_("received"))
    acknowledged_date = models.DateField(_("acknowledged"), null=True, blank=True)
    closed_date = models.DateField(_("closed"), null=True, blank=True)
    incident_date = models.DateField(_("incident date"), null=True, blank=True)
    finding = models.CharField(
        _("finding"), max_length=20, choices=HistoricalFinding.choices, blank=True
    )
    is_anonymous = models.BooleanField(_("anonymous"), default=True)
    is_retaliation = models.BooleanField(_("retaliation report"), default=False)
    referred_to = models.CharField(
        _("referred to"), max_length=20, choices=ReferralTarget.choices, blank=True
    )
    # cases.workflow.subject_pseudonym of the register's subject key; the key itself is not kept.
    subject_pseudonym = models.CharField(max_length=80, blank=True, db_index=True)
    amount_recovered = models.DecimalField(
        _("amount recovered (baht)"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    imported = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("historical case")
        verbose_name_plural = _("historical cases")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_ref"], name="historical_ref_once_per_org"
            ),
            models.CheckConstraint(
                condition=Q(is_retaliation=False) | Q(kind="report"),
                name="historical_retaliation_only_for_reports",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "received_date"], name="historical_org_received"),
            models.Index(fields=["received_date"], name="historical_received"),
        ]

    def __str__(self) -> str:
        return f"{self.external_ref} ({self.organisation_id})"


class RollupYear(models.Model):
    """A fiscal year whose IndicatorRollup rows are complete. Without one, the indicators of
    that year are computed from the cases directly."""

    fiscal_year = models.PositiveSmallIntegerField(unique=True)  # Buddhist Era, e.g. 2569
    # Open cases and due dates are counted as seen at this moment (the year's end once it is
    # over); it moves only when the whole year is rebuilt, so all rows agree on it.
    reference = models.DateTimeField()
    built = models.DateTimeField()
    # Case changes are included up to this audit event (and this time).
    event_seq = models.BigIntegerField(default=0)
    refreshed = models.DateTimeField()
    # A digest of the organisation tree the subtree sums were made for: an organisation moved
    # since makes them wrong, not just late, so the year is then rebuilt.
    tree = models.CharField(max_length=64, blank=True, default="")

    def __str__(self) -> str:
        return f"rollup {self.fiscal_year}"


class IndicatorRollup(models.Model):
    """One organisation's own cases and register rows of one fiscal year, tallied (a serialised
    indicators.Tally); with `subtree`, the sum of those rows over a big organisation's
    whole subtree, so the whole country is one row to read rather than 7,850 to add up."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField()
    subtree = models.BooleanField(default=False)
    tally = models.JSONField()
    computed = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "organisation", "subtree"],
                name="rollup_once_per_org_year_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"rollup {self.fiscal_year} of {self.organisation_id}"
