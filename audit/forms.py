from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from cases.models import CaseKind, Category, Channel, OrganisationType

CODE_MAX = 20


class IndicatorForm(forms.Form):
    """What the auditor looks at: a fiscal year, an organisation's subtree, optional filters."""

    org = forms.CharField(label=_("Organisation code"), max_length=CODE_MAX, required=False)
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

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        categories = Category.objects.order_by("kind", "sort_order", "code")
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("All")),
            *((c.code, f"{c.label} ({CaseKind(c.kind).label})") for c in categories),
        ]


class LogFilterForm(forms.Form):
    start = forms.DateField(label=_("From (date)"), required=False)
    end = forms.DateField(label=_("To (date)"), required=False)
    actor = forms.CharField(label=_("Staff username"), max_length=150, required=False)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All")), *Action.choices]
    )
    org = forms.CharField(label=_("Organisation code"), max_length=CODE_MAX, required=False)
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
