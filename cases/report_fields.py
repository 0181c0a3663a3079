"""The fields of a question or report as stored in its encrypted body: their names, their
labels and the choices they take, declared once for the public form, the reporter's page and
the staff case page, so that nobody ever reads a stored code ("saw") instead of its words."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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
