from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Rating(models.Model):
    """The reporter's rating of the service once their case is closed. The score is metadata
    the satisfaction indicator counts; the comment is encrypted under the case key."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment_ct = models.BinaryField(default=b"")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_1_to_5")
        ]

    def __str__(self) -> str:
        return f"{self.score} for case {self.case_id}"
