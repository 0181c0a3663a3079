"""The fields of a question or report as stored in its encrypted body, declared once: their
names, what each intake asks, how each case page labels them, their kind, choices and limits.
The public forms, the staff intake form, both case pages and the routing rule read this
schema, so that no page decides a key of its own and nobody ever reads a stored code ("saw")
instead of its words (docs/architecture.md §2)."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.models import CaseKind, Category
from core.models import User

TEXT_MAX = 20_000
SHORT_MAX = 5_000

# What a boolean field stores when it is true; a false one is left out.
YES = "yes"

HOW_KNOWN = [
    ("saw", _("I saw or heard it myself")),
    ("told", _("Someone told me")),
    ("documents", _("I have seen documents about it")),
    ("other", _("Another way")),
]
ONGOING = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("I do not know"))]


class FieldKind(StrEnum):
    TEXT = "text"
    SHORT_TEXT = "short_text"
    CHOICE = "choice"
    BOOLEAN = "boolean"
    # Counselors of the organisation, ticked by name; stored as their names.
    STAFF = "staff"


class Intake(StrEnum):
    """Where a body is typed: the public question and report forms, the reporter's retaliation
    form, or the staff intake form for a telephone call, a visit or a letter."""

    PUBLIC = "public"
    RETALIATION = "retaliation"
    STAFF = "staff"


@dataclass(frozen=True)
class Ask:
    """How one intake asks for a field. `input` names the form field when it is not the body
    key: the staff intake takes the question or what happened in one box."""

    label: Promise
    help: Promise | str = ""
    input: str = ""
    rows: int = 0


@dataclass(frozen=True)
class ReportField:
    name: str
    kind: FieldKind
    # What the reporter reads about what they sent (second person), and what staff read: the
    # same words, in the third person where the reporter's say "you".
    reporter_label: Promise
    staff_label: Promise
    case_kinds: frozenset[CaseKind]
    asked: Mapping[Intake, Ask] = field(default_factory=dict)
    choices: Sequence[tuple[str, Promise]] = ()
    required: bool = False
    max_length: int = SHORT_MAX
    # Stored by the routing rule (cases/routing.py) from what the form says, never as typed.
    routed: bool = False

    def input_name(self, intake: Intake) -> str:
        return self.asked[intake].input or self.name

    def words(self, value: str) -> str:
        """A stored value in the reader's language: a choice in words, never its code."""
        return str(dict(self.choices).get(value, value))


_REPORT = frozenset({CaseKind.REPORT})
# The staff intake's one box for the question or what happened, whichever the case is.
_CALLER_TEXT = Ask(
    _("The question, or what happened"),
    _("In the caller's words, as exactly as you can."),
    input="text",
    rows=8,
)

QUESTION = ReportField(
    name="question",
    kind=FieldKind.TEXT,
    reporter_label=_("Your question"),
    staff_label=_("Question"),
    case_kinds=frozenset({CaseKind.QUESTION}),
    asked={Intake.PUBLIC: Ask(_("Your question")), Intake.STAFF: _CALLER_TEXT},
    required=True,
    max_length=TEXT_MAX,
)
_WHAT_HELP = _("Describe what was done, as exactly as you can. Do not write your own name.")
WHAT = ReportField(
    name="what",
    kind=FieldKind.TEXT,
    reporter_label=_("What happened"),
    staff_label=_("What happened"),
    case_kinds=_REPORT,
    asked={
        Intake.PUBLIC: Ask(_("What happened?"), _WHAT_HELP),
        Intake.RETALIATION: Ask(_("What has been done to you because you reported?"), _WHAT_HELP),
        Intake.STAFF: _CALLER_TEXT,
    },
    required=True,
    max_length=TEXT_MAX,
)
WHEN_WHERE = ReportField(
    name="when_where",
    kind=FieldKind.SHORT_TEXT,
    reporter_label=_("When and where"),
    staff_label=_("When and where"),
    case_kinds=_REPORT,
    asked={
        Intake.PUBLIC: Ask(_("When and where did it happen?")),
        Intake.RETALIATION: Ask(_("When and where did it happen?")),
        Intake.STAFF: Ask(_("When and where (reports)"), rows=2),
    },
)
_WHO_HELP = _("Names, positions, or how to recognise them.")
WHO = ReportField(
    name="who",
    kind=FieldKind.SHORT_TEXT,
    reporter_label=_("Who was involved"),
    staff_label=_("Who was involved"),
    case_kinds=_REPORT,
    asked={
        Intake.PUBLIC: Ask(_("Who was involved?"), _WHO_HELP),
        Intake.RETALIATION: Ask(_("Who was involved?"), _WHO_HELP),
        Intake.STAFF: Ask(_("Who was involved (reports)"), rows=2),
    },
)
HOW_KNOWN_FIELD = ReportField(
    name="how_known",
    kind=FieldKind.CHOICE,
    reporter_label=_("How you know"),
    staff_label=_("How the reporter knows"),
    case_kinds=_REPORT,
    asked={Intake.PUBLIC: Ask(_("How do you know?"))},
    choices=HOW_KNOWN,
)
ONGOING_FIELD = ReportField(
    name="ongoing",
    kind=FieldKind.CHOICE,
    reporter_label=_("Still going on"),
    staff_label=_("Still going on"),
    case_kinds=_REPORT,
    asked={
        Intake.PUBLIC: Ask(_("Is it still going on?")),
        Intake.RETALIATION: Ask(_("Is it still going on?")),
    },
    choices=ONGOING,
)
# Who is involved decides where a report goes (docs/architecture.md §1): a form asks, the
# routing rule stores.
EXECUTIVE_INVOLVED = ReportField(
    name="executive_involved",
    kind=FieldKind.BOOLEAN,
    reporter_label=_("The head of the organisation is involved"),
    staff_label=_("The head of the organisation is involved"),
    case_kinds=_REPORT,
    asked={
        Intake.PUBLIC: Ask(
            _("The head of this organisation (the mayor or chief executive) is involved")
        ),
        Intake.STAFF: Ask(
            _("The caller says the head of this organisation is involved (reports)"),
            _("The report then goes to the parent organisation."),
        ),
    },
    choices=[(YES, _("Yes"))],
    routed=True,
)
NAMED_STAFF = ReportField(
    name="named_staff",
    kind=FieldKind.STAFF,
    reporter_label=_("Counselors you said are involved"),
    staff_label=_("Counselors the reporter named"),
    case_kinds=_REPORT,
    asked={
        Intake.PUBLIC: Ask(_("These ethics counselors of the organisation are involved")),
        Intake.STAFF: Ask(
            _("The caller says these counselors of the organisation are involved (reports)"),
            _("They will never be offered the report; it goes to the parent organisation."),
        ),
    },
    routed=True,
)
ABOUT_ORGANISATION = ReportField(
    name="about_organisation",
    kind=FieldKind.SHORT_TEXT,
    reporter_label=_("About the organisation"),
    staff_label=_("About the organisation"),
    case_kinds=_REPORT,
    routed=True,
)

# The schema, in the order every form asks and every page shows.
REPORT_FIELDS: tuple[ReportField, ...] = (
    QUESTION,
    WHAT,
    WHEN_WHERE,
    WHO,
    HOW_KNOWN_FIELD,
    ONGOING_FIELD,
    EXECUTIVE_INVOLVED,
    NAMED_STAFF,
    ABOUT_ORGANISATION,
)
BY_NAME = {f.name: f for f in REPORT_FIELDS}
OTHER_LABEL = _("Other information")
# The reporter's identity, as staff read it once a custodian agreed.
IDENTITY_LABELS: dict[str, Promise] = {
    "name": _("Name"),
    "phone": _("Telephone"),
    "email": _("Email"),
    "other": _("Other contact details"),
}


def fields_asked(intake: Intake, *kinds: CaseKind) -> list[ReportField]:
    """The fields `intake` asks for a case of any of `kinds`, in the schema's order."""
    return [f for f in REPORT_FIELDS if intake in f.asked and f.case_kinds & set(kinds)]


def input_names(intake: Intake, *kinds: CaseKind) -> list[str]:
    """The names of the form fields `intake` shows for `kinds`, in order, each once."""
    return list(dict.fromkeys(f.input_name(intake) for f in fields_asked(intake, *kinds)))


def body_from(data: Mapping[str, Any], *, intake: Intake, kind: CaseKind) -> dict[str, str]:
    """The body a form's cleaned data gives for a case of `kind`: the fields typed for it, those
    left empty left out. Who is involved is the routing rule's to store."""
    return {
        f.name: data[f.input_name(intake)]
        for f in fields_asked(intake, kind)
        if not f.routed and data.get(f.input_name(intake))
    }


def _rows(
    body: Mapping[str, str], label: Callable[[ReportField], Promise]
) -> list[tuple[str, str]]:
    # A key not declared here (an older form's) is still shown, under a plain label.
    rows = [(str(label(f)), f.words(body[f.name])) for f in REPORT_FIELDS if body.get(f.name)]
    rows += [(str(OTHER_LABEL), v) for k, v in body.items() if k not in BY_NAME and v]
    return rows


def reporter_rows(body: Mapping[str, str]) -> list[tuple[str, str]]:
    """What the reporter wrote, as they read it back on their case page."""
    return _rows(body, lambda f: f.reporter_label)


def staff_rows(body: Mapping[str, str]) -> list[tuple[str, str]]:
    """What the reporter wrote, as staff read it on the case page."""
    return _rows(body, lambda f: f.staff_label)


# Primary keys are 64-bit integers: a larger number must not reach the database (SQLite
# raises OverflowError on it, a 500), nor anything that is not plain digits.
PK_MAX = 2**63 - 1


def _is_pk(value: object) -> bool:
    text = str(value)
    return text.isascii() and text.isdigit() and 0 < int(text) <= PK_MAX


class CategoryField(forms.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not _is_pk(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)

    def label_from_instance(self, obj: Category) -> str:
        return obj.label


class StaffField(forms.ModelMultipleChoiceField):
    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            if not _is_pk(pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super().clean(value)

    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name()


class InvolvedStaffMixin(forms.Form):
    """A report may say the head of the organisation (`executive_involved`) or some of its
    counselors (`named_staff`) are involved: the report is then kept away from them."""

    @property
    def names_the_powerful(self) -> bool:
        return bool(self.cleaned_data.get(EXECUTIVE_INVOLVED.name) or self.excluded())

    def excluded(self) -> list[User]:
        return list(self.cleaned_data.get(NAMED_STAFF.name) or [])


_ROWS = {FieldKind.TEXT: 6, FieldKind.SHORT_TEXT: 3}


def form_field(report_field: ReportField, intake: Intake) -> forms.Field:
    """The form field with which `intake` asks for `report_field`."""
    ask = report_field.asked[intake]
    common: dict[str, Any] = {
        "label": ask.label,
        "help_text": ask.help,
        "required": report_field.required,
    }
    kind = report_field.kind
    if kind in (FieldKind.TEXT, FieldKind.SHORT_TEXT):
        rows = ask.rows or _ROWS[kind]
        return forms.CharField(
            max_length=report_field.max_length,
            widget=forms.Textarea(attrs={"rows": rows}),
            **common,
        )
    if kind == FieldKind.CHOICE:
        return forms.ChoiceField(
            choices=list(report_field.choices), widget=forms.RadioSelect, **common
        )
    if kind == FieldKind.BOOLEAN:
        return forms.BooleanField(**common)
    # The form sets the counselors one may name: it knows the organisation.
    return StaffField(queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple, **common)


FormClass = TypeVar("FormClass", bound=type[forms.Form])


def asks(intake: Intake, *kinds: CaseKind) -> Callable[[FormClass], FormClass]:
    """A class decorator: the form asks the fields `intake` asks for cases of `kinds`, exactly as
    if they were declared on it, so that no form names a field of the body itself. A field the
    form declares under the same name wins."""

    def decorate(form: FormClass) -> FormClass:
        asked = fields_asked(intake, *kinds)
        generated: dict[str, forms.Field] = {}
        for report_field in asked:
            name = report_field.input_name(intake)
            generated.setdefault(name, form_field(report_field, intake))
        # What Django's form metaclass builds from declared fields; subclasses inherit it.
        form.declared_fields = {**generated, **form.declared_fields}
        form.base_fields = {**generated, **form.base_fields}
        return form

    return decorate
