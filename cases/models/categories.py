"""What a case is about: its kind and the category a reporter chooses."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import localized


class CaseKind(models.TextChoices):
    QUESTION = "question", _("Question")
    REPORT = "report", _("Report")


class Category(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=CaseKind.choices)
    code = models.SlugField(_("code"), max_length=40)
    label_th = models.CharField(_("label in Thai"), max_length=120)
    label_en = models.CharField(_("label in English"), max_length=120)
    # Counted by the "substantiated corruption reports" indicator.
    is_corruption = models.BooleanField(_("counts as corruption"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["kind", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="category_kind_code_unique"),
            models.CheckConstraint(
                condition=Q(is_corruption=False) | Q(kind="report"),
                name="category_corruption_only_for_reports",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return localized(self.label_th, self.label_en)
