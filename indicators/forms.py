from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from cases.models import CaseKind, Category, Channel
from core.models import Organisation, OrganisationType
from core.selectors import CODE_MAX


class _SubtreeForm(forms.Form):
    """A filter whose `org` must name an organisation the auditor may see. An unknown code, or
    one elsewhere, is an error on the field: quietly falling back to the auditor's own
    organisation would show figures for something other than what was asked."""

    org = forms.CharField(label=_("Organisation code"), max_length=CODE_MAX, required=False)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = organisations

    def clean_org(self) -> Organisation | None:
        code = self.cleaned_data["org"].strip()
        if not code:
            return None
        organisation = self.organisations.filter(code=code).first()
        if organisation is None:
            raise ValidationError(
                _("No organisation with this code in the organisations you audit."),
                code="unknown_organisation",
            )
        return organisation


class IndicatorForm(_SubtreeForm):
    """What the auditor looks at: a fiscal year, an organisation's subtree, optional filters."""

    fy = forms.IntegerField(
        label=_("Fiscal year (B.E.)"), min_value=2500, max_value=2700, required=False
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All")), *Channel.choices]
    )
    org_type = forms.ChoiceField(
        label=_("Type of organisation"),
        required=False,
        choices=[("", _("All")), *OrganisationType.choices],
    )
    field_order = ["org", "fy", "category", "channel", "org_type"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = Category.objects.order_by("kind", "sort_order", "code")
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("All")),
            *((c.code, f"{c.label} ({CaseKind(c.kind).label})") for c in categories),
        ]


class LogFilterForm(_SubtreeForm):
    start = forms.DateField(label=_("From (date)"), required=False)
    end = forms.DateField(label=_("To (date)"), required=False)
    actor = forms.CharField(label=_("Staff username"), max_length=150, required=False)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All")), *Action.choices]
    )
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    field_order = ["start", "end", "actor", "action", "org", "before"]
