"""The tree of organisations: ministry, provinces, districts, local organisations."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    PAO = "pao", _("Provincial administrative organisation")
    MUNICIPALITY = "municipality", _("Municipality")
    SAO = "sao", _("Subdistrict administrative organisation")


def localized(thai: str, english: str) -> str:
    """The English text when English is active and present, the Thai text otherwise."""
    return english if (get_language() or "th").startswith("en") and english else thai


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def subtree_of(self, organisation: "Organisation") -> "OrganisationQuerySet":
        return self.filter(path__startswith=organisation.path)


class Organisation(models.Model):
    """A node of the tree ministry → province → district → local organisation.

    `path` lists the ids from the root ("/1/4/9/") so a whole subtree is one indexed
    prefix query, however deep the tree; save() keeps it right when a parent changes.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    name_th = models.CharField(_("name in Thai"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=OrganisationType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    headcount = models.PositiveIntegerField(_("staff headcount"), default=0)
    population = models.PositiveIntegerField(_("population served"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)  # type: ignore[arg-type]
            parent_path = self.parent.path if self.parent is not None else "/"
            path = f"{parent_path}{self.pk}/"
            if path != self.path:
                old_path, self.path = self.path, path
                Organisation.objects.filter(pk=self.pk).update(path=path)
                if old_path:
                    for child in Organisation.objects.filter(path__startswith=old_path):
                        child.path = path + child.path[len(old_path) :]
                        Organisation.objects.filter(pk=child.pk).update(path=child.path)

    @property
    def name(self) -> str:
        return localized(self.name_th, self.name_en)

    def clean(self) -> None:
        parent = self.parent if self.parent_id else None
        if parent is not None and self.pk and parent.path.startswith(self.path):
            raise ValidationError(
                {
                    "parent": _(
                        "An organisation cannot be placed below itself or one of its own "
                        "sub-organisations."
                    )
                }
            )
