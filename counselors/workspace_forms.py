"""Forms of the staff workspace. Each transition gets its own small form with the fields its
outcome needs, and every form that changes a case carries the version the page showed."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.lib.titles import title_from
from cases.models import (
    Case,
    CaseKind,
    Category,
    Channel,
    State,
)
from cases.report_fields import (
    Intake,
    InvolvedStaffMixin,
    StaffField,
    asks,
    body_from,
    input_names,
)
from cases.selectors import nameable_staff
from cases.transitions import Entry, Outcome, outcome_choices, transition_named
from core.models import Organisation, User
from counselors.case_services import STAFF_CHANNELS, ReplyKind
from counselors.inbox import Deadline, Scope

TEXT_MAX = 20_000
REASON_MAX = 2_000


class _OwnIds(forms.Form):
    """Several forms share the case page: each gets its own element ids."""

    id_prefix = "id"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class InboxFilterForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Cases"),
        required=False,
        choices=[
            ("", _("Mine and unassigned")),
            (Scope.MINE, _("Assigned to me")),
            (Scope.UNASSIGNED, _("Unassigned")),
        ],
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=_blank(_("Any state")) + list(State.choices)
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=_blank(_("Any kind")) + list(CaseKind.choices)
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("Any category"),
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=_blank(_("Any channel")) + list(Channel.choices),
    )
    deadline = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[
            ("", _("Any")),
            (Deadline.SOON, _("Due within a week")),
            (Deadline.OVERDUE, _("Overdue")),
        ],
    )

    def __init__(self, *args: Any, supervisor: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = self.fields["scope"]
        if supervisor and isinstance(scope, forms.ChoiceField):
            scope.choices = [
                ("", _("All of the organisation")),
                (Scope.UNASSIGNED, _("Unassigned")),
            ]


class ReplyForm(_OwnIds):
    id_prefix = "reply"
    kind = forms.ChoiceField(
        label=_("What are you writing?"),
        choices=[
            (ReplyKind.ANSWER, _("An answer to the reporter")),
            (ReplyKind.QUESTION, _("A question to the reporter")),
            (ReplyKind.NOTE, _("An internal note (staff only)")),
        ],
        widget=forms.RadioSelect,
        help_text=_(
            "Only an answer that tells the reporter what was done and why counts as the "
            "feedback their deadline asks for; a question to them does not."
        ),
    )
    body = forms.CharField(
        label=_("Message"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )


def _choice_field(outcome: Outcome, **common: Any) -> forms.Field:
    return forms.ChoiceField(choices=_blank("—") + outcome_choices(outcome.field), **common)


def _amount_field(outcome: Outcome, **common: Any) -> forms.Field:
    return forms.DecimalField(min_value=0, max_digits=14, decimal_places=2, **common)


def _text_field(outcome: Outcome, **common: Any) -> forms.Field:
    return forms.CharField(
        max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}), **common
    )


# The form field for each way an outcome is entered (cases.transitions.Entry).
_FIELD_FOR = {
    Entry.CHOICE: _choice_field,
    Entry.AMOUNT: _amount_field,
    Entry.NOTE: _text_field,
    Entry.NAMES: _text_field,
}


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class TransitionForm(forms.Form):
    """One step's form, generated from its spec's outcomes (cases.transitions)."""

    transition = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, name: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", name)
        super().__init__(*args, **kwargs)
        self.name = name
        spec = transition_named(name)
        self.label = spec.label if spec is not None and spec.label else name
        self.outcomes = spec.outcomes if spec is not None else ()
        self.fields["transition"].initial = name
        for outcome in self.outcomes:
            self.fields[outcome.field] = _FIELD_FOR[outcome.entry](
                outcome,
                label=outcome.label,
                required=outcome.required,
                help_text=outcome.help_text,
            )

    def outcome(self) -> dict[str, Any]:
        """Keyword arguments for cases.workflow.case_transition: what was filled in."""
        kwargs: dict[str, Any] = {}
        for outcome in self.outcomes:
            value = self.cleaned_data.get(outcome.field)
            if value is None or value == "":
                continue
            kwargs[outcome.field] = _lines(value) if outcome.entry is Entry.NAMES else value
        return kwargs


class CounselorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class AssignForm(_OwnIds):
    id_prefix = "assign"
    counselor = CounselorChoiceField(
        label=_("Counselor"), queryset=User.objects.none(), empty_label=_("Choose a counselor")
    )

    def __init__(self, *args: Any, counselors: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["counselor"]
        assert isinstance(field, CounselorChoiceField)
        field.queryset = User.objects.filter(pk__in=[u.pk for u in counselors]).order_by(
            "first_name", "last_name", "username"
        )


class DeclineForm(_OwnIds):
    id_prefix = "decline"
    reason = forms.CharField(
        label=_("Why are you handing the case back?"),
        help_text=_("Kept as an encrypted internal note on the case."),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    conflict = forms.BooleanField(
        label=_("I have a conflict of interest in this case: never offer it to me again."),
        required=False,
    )


class LegalHoldForm(_OwnIds):
    """The page says which step it offers: a page loaded before someone else's change must
    not take the opposite one (counselors.views.retention)."""

    id_prefix = "hold"
    action = forms.ChoiceField(
        choices=[("place", _("Put on legal hold")), ("lift", _("Lift the legal hold"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_(
            "For example the court case or inquiry that needs the case kept. Kept as an "
            "encrypted internal note on the case."
        ),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "action" in self.errors:  # a hidden field no one can correct: say what to do
            raise forms.ValidationError(_("This page is out of date. Reload it and try again."))
        return cleaned

    @classmethod
    def for_case(cls, case: Case, reason: str = "") -> "LegalHoldForm":
        """A blank form offering the step the case's hold allows now."""
        action = "lift" if case.legal_hold_at is not None else "place"
        return cls(initial={"action": action, "reason": reason})


class DeclareForm(_OwnIds):
    id_prefix = "declare"
    no_conflict = forms.BooleanField(
        label=_(
            "I declare that I have no personal, family, financial or working relationship "
            "with anyone in this case that could affect how I handle it."
        )
    )


class IdentityRequestForm(_OwnIds):
    id_prefix = "identity"
    reason = forms.CharField(
        label=_("Why do you need to know who the reporter is?"),
        help_text=_("Only the identity custodians and you can read this reason."),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@asks(Intake.STAFF, CaseKind.QUESTION, CaseKind.REPORT)
class IntakeForm(InvolvedStaffMixin):
    """The body's fields are declared in cases/report_fields.py; the caller's own words about
    who they are stay out of the body, as on the public forms."""

    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices, widget=forms.RadioSelect)
    channel = forms.ChoiceField(
        label=_("How did the caller reach you?"),
        choices=[(c.value, c.label) for c in STAFF_CHANNELS],
        widget=forms.RadioSelect,
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("Choose a category"),
    )
    identity_name = forms.CharField(
        label=_("Caller's name, if they want to give it"), required=False, max_length=200
    )
    identity_contact = forms.CharField(
        label=_("Caller's telephone or address, if they want to give it"),
        required=False,
        max_length=200,
    )

    field_order = [
        "kind",
        "channel",
        "category",
        *input_names(Intake.STAFF, CaseKind.QUESTION, CaseKind.REPORT),
        "identity_name",
        "identity_contact",
    ]

    def __init__(self, *args: Any, organisation: Organisation | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisation is not None:
            cast(StaffField, self.fields["named_staff"]).queryset = nameable_staff(organisation)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        category = data.get("category")
        if category is not None and data.get("kind") and category.kind != data["kind"]:
            self.add_error("category", _("Choose a category of this kind."))
        if data.get("kind") == CaseKind.QUESTION and self.names_the_powerful:
            self.add_error("named_staff", _("Only a report can name people who are involved."))
        return data

    def body(self) -> dict[str, str]:
        return body_from(
            self.cleaned_data, intake=Intake.STAFF, kind=CaseKind(self.cleaned_data["kind"])
        )

    def title(self) -> str:
        return title_from(self.cleaned_data["text"])

    def identity(self) -> dict[str, str] | None:
        name = self.cleaned_data["identity_name"].strip()
        contact = self.cleaned_data["identity_contact"].strip()
        if not (name or contact):
            return None
        return {k: v for k, v in {"name": name, "other": contact}.items() if v}


class FaqDraftForm(_OwnIds):
    id_prefix = "faq"
    question_th = forms.CharField(
        label=_("Question in Thai"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    answer_th = forms.CharField(
        label=_("Answer in Thai"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    question_en = forms.CharField(
        label=_("Question in English"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    answer_en = forms.CharField(
        label=_("Answer in English"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
