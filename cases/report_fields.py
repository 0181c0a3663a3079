"""The fields of a question or report as stored in its encrypted body: their names, their
labels and the choices they take, declared once for the public form, the reporter's page and
the staff case page, so that nobody ever reads a stored code ("saw") instead of its words."""

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.models import Category
from core.models import User

HOW_KNOWN = [
    ("saw", _("I saw or heard it myself")),
    ("told", _("Someone told me")),
    ("documents", _("I have seen documents about it")),
    ("other", _("Another way")),
]
ONGOING = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("I do not know"))]

# What the reporter reads about what they sent (second person).
BODY_LABELS: dict[str, Promise] = {
    "question": _("Your question"),
    "what": _("What happened"),
    "when_where": _("When and where"),
    "who": _("Who was involved"),
    "how_known": _("How you know"),
    "ongoing": _("Still going on"),
    "executive_involved": _("The head of the organisation is involved"),
    "named_staff": _("Counselors you said are involved"),
    "about_organisation": _("About the organisation"),
}
# The same fields as staff read them: the same words, in the third person where the
# reporter's say "you".
STAFF_LABELS: dict[str, Promise] = {
    **BODY_LABELS,
    "question": _("Question"),
    "how_known": _("How the reporter knows"),
    "named_staff": _("Counselors the reporter named"),
}
BODY_CHOICES = {
    "how_known": dict(HOW_KNOWN),
    "ongoing": dict(ONGOING),
    "executive_involved": dict(ONGOING),
}
OTHER_LABEL = _("Other information")
# The reporter's identity, as staff read it once a custodian agreed.
IDENTITY_LABELS: dict[str, Promise] = {
    "name": _("Name"),
    "phone": _("Telephone"),
    "email": _("Email"),
    "other": _("Other contact details"),
}


def body_rows(
    body: dict[str, str], labels: dict[str, Promise] = BODY_LABELS
) -> list[tuple[str, str]]:
    """What the reporter wrote, as labelled rows in the reader's language: choices in words,
    never their codes. A field not declared here (an older form's) is still shown, under a
    plain label."""
    rows = [
        (str(label), str(BODY_CHOICES.get(name, {}).get(body[name], body[name])))
        for name, label in labels.items()
        if body.get(name)
    ]
    rows += [
        (str(OTHER_LABEL), value) for name, value in body.items() if name not in labels and value
    ]
    return rows


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
        return bool(self.cleaned_data.get("executive_involved") or self.excluded())

    def excluded(self) -> list[User]:
        return list(self.cleaned_data.get("named_staff") or [])
