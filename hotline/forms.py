"""The public forms. Every limit a form enforces is stated on it; every message is translated."""

import unicodedata
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases.files import (
    EXTENSIONS,
    CleanAttachment,
    CleanFile,
    FileRefused,
    Refused,
    clean,
)
from cases.models import CaseKind
from cases.report_fields import (
    SHORT_MAX,
    TEXT_MAX,
    CategoryField,
    Intake,
    InvolvedStaffMixin,
    StaffField,
    asks,
    body_from,
    input_names,
)
from cases.selectors import categories_of, nameable_staff
from cases.uploads import UploadRefusal, max_bytes, max_count, max_pixels
from core import crypto
from core.models import Organisation

NAME_MAX = 120


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if isinstance(data, list | tuple):
            return [f for f in data if f]
        return [data] if data else []


def _safe_name(name: str, file: CleanFile) -> str:
    """The reporter's file name, printable and short, ending as what the file really is."""
    name = unicodedata.normalize("NFC", PurePath(name.replace("\\", "/")).name)
    name = "".join(c for c in name if c.isprintable())[:NAME_MAX]
    _, dot, extension = name.rpartition(".")
    wanted = EXTENSIONS[file.kind]
    if dot and f".{extension.lower()}" in {wanted, ".jpeg"}:
        return name
    return (name or "file") + wanted


def _refusal_text(reason: str, name: str) -> str:
    texts = {
        "too_many": _("“%(name)s” was not accepted: at most %(count)s files can be sent."),
        "too_big": _("“%(name)s” was not accepted: each file must be at most %(size)s."),
        "request_too_big": _("“%(name)s” was not accepted: the files together are too large."),
        Refused.TYPE: _(
            "“%(name)s” was not accepted: only photos (JPEG, PNG), PDF, Word, Excel, "
            "PowerPoint and plain text files can be sent."
        ),
        Refused.DAMAGED: _("“%(name)s” was not accepted: it could not be read."),
        Refused.ENCRYPTED: _(
            "“%(name)s” was not accepted: it is protected by a password. Send it without one."
        ),
        Refused.MACROS: _(
            "“%(name)s” was not accepted: it contains macros. Save it as an ordinary document."
        ),
        Refused.TOO_BIG: _("“%(name)s” was not accepted: it is too large to process."),
        Refused.EMPTY: _("“%(name)s” was not accepted: it is empty."),
        Refused.UNCLEANABLE: _(
            "“%(name)s” was not accepted: it holds pictures whose hidden details (such as "
            "where a photo was taken) cannot be removed. Print it to a new PDF, or send the "
            "pictures as photos."
        ),
    }
    return str(texts[reason]) % {
        "name": name,
        "count": max_count(),
        "size": filesizeformat(max_bytes()),
    }


class AttachmentsMixin(forms.Form):
    attachments = MultipleFileField(label=_("Files"), required=False)

    def __init__(self, *args: Any, refusals: Sequence[UploadRefusal] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refusals = list(refusals)
        self.fields["attachments"].help_text = _(
            "Up to %(count)s files, each at most %(size)s: photos (JPEG, PNG), PDF, Word, "
            "Excel, PowerPoint or plain text. Hidden details such as the camera, the place a "
            "photo was taken and the document's author are removed before the files are "
            "stored. File names are kept: rename a file if its name says who you are."
        ) % {"count": max_count(), "size": filesizeformat(max_bytes())}

    def clean_attachments(self) -> list[CleanAttachment]:
        errors = [_refusal_text(r.reason, r.name) for r in self.refusals]
        cleaned = []
        uploads: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        if len(uploads) > max_count():
            errors.append(
                ngettext(
                    "At most %(count)s file can be sent.",
                    "At most %(count)s files can be sent.",
                    max_count(),
                )
                % {"count": max_count()}
            )
        for upload in uploads[: max_count()]:
            name = upload.name or ""
            if upload.size is not None and upload.size > max_bytes():
                errors.append(_refusal_text("too_big", name))
                continue
            try:
                file = clean(upload.read(), max_pixels=max_pixels())
            except FileRefused as refused:
                errors.append(_refusal_text(refused.reason, name))
                continue
            cleaned.append(CleanAttachment(_safe_name(name, file), file))
        if errors:
            raise forms.ValidationError(errors)
        return cleaned

    @property
    def dropped_files(self) -> list[str]:
        """A browser cannot be given files back: after any refusal, the names of the files the
        reporter must choose again (those received and those skipped on the way in)."""
        if not self.is_bound:
            return []
        names = [f.name or "" for f in self.files.getlist("attachments")]
        names += [r.name for r in self.refusals]
        return list(dict.fromkeys(n[:NAME_MAX] for n in names if n))


class EmptyTextInput(forms.TextInput):
    """A text input that always comes back empty, whatever was sent in it."""

    def format_value(self, value: Any) -> None:
        return None


class HoneypotMixin(forms.Form):
    # Hidden by CSS from people; simple robots fill every field they find. A filled trap is
    # refused with a message that makes sense to a person whose browser filled it in (and
    # does not tell a robot why); the trap comes back empty, so sending again works. Nothing
    # is dropped silently: a person's report must never be lost to a false alarm.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=EmptyTextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.data.get("website"):
            self.add_error(
                None,
                _(
                    "Your message could not be sent this time. Check what you wrote below "
                    "and send it again."
                ),
            )
        return data


class IdentityFieldsMixin(forms.Form):
    """Optional name and contact details: stored encrypted apart from the report, readable
    only by the organisation's identity custodians."""

    identity_name = forms.CharField(label=_("Your name"), required=False, max_length=200)
    identity_phone = forms.CharField(
        label=_("Telephone"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    identity_email = forms.EmailField(label=_("Email"), required=False, max_length=200)
    identity_other = forms.CharField(
        label=_("Other ways to reach you"),
        required=False,
        max_length=SHORT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    IDENTITY_FIELDS = ("identity_name", "identity_phone", "identity_email", "identity_other")

    def identity(self) -> dict[str, str] | None:
        given = {
            f.removeprefix("identity_"): self.cleaned_data[f].strip()
            for f in self.IDENTITY_FIELDS
            if self.cleaned_data.get(f, "").strip()
        }
        return given or None


def _category_field(kind: CaseKind, label: Any) -> CategoryField:
    return CategoryField(
        queryset=categories_of(kind), label=label, widget=forms.RadioSelect, empty_label=None
    )


def _text(label: Any, *, required: bool = True, max_length: int = TEXT_MAX, **kw: Any) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": kw.pop("rows", 6)}),
        **kw,
    )


# The fields of the body each form asks are declared in cases/report_fields.py.


@asks(Intake.PUBLIC, CaseKind.QUESTION)
class QuestionForm(HoneypotMixin, IdentityFieldsMixin, forms.Form):
    category = _category_field(CaseKind.QUESTION, _("Topic"))

    field_order = [
        "category",
        *input_names(Intake.PUBLIC, CaseKind.QUESTION),
        *IdentityFieldsMixin.IDENTITY_FIELDS,
        "website",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(CategoryField, self.fields["category"]).queryset = categories_of(CaseKind.QUESTION)

    def body(self) -> dict[str, str]:
        return body_from(self.cleaned_data, intake=Intake.PUBLIC, kind=CaseKind.QUESTION)


@asks(Intake.PUBLIC, CaseKind.REPORT)
class ReportForm(HoneypotMixin, IdentityFieldsMixin, AttachmentsMixin, InvolvedStaffMixin):
    category = _category_field(CaseKind.REPORT, _("What kind of wrongdoing?"))

    field_order = [
        "category",
        *input_names(Intake.PUBLIC, CaseKind.REPORT),
        "attachments",
        *IdentityFieldsMixin.IDENTITY_FIELDS,
        "website",
    ]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        cast(CategoryField, self.fields["category"]).queryset = categories_of(CaseKind.REPORT)
        cast(StaffField, self.fields["named_staff"]).queryset = nameable_staff(organisation)

    def body(self) -> dict[str, str]:
        return body_from(self.cleaned_data, intake=Intake.PUBLIC, kind=CaseKind.REPORT)


@asks(Intake.RETALIATION, CaseKind.REPORT)
class RetaliationForm(HoneypotMixin, AttachmentsMixin):
    field_order = [*input_names(Intake.RETALIATION, CaseKind.REPORT), "attachments", "website"]

    def body(self) -> dict[str, str]:
        return body_from(self.cleaned_data, intake=Intake.RETALIATION, kind=CaseKind.REPORT)


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Receipt number"),
        max_length=crypto.RECEIPT_MAX_INPUT,
        help_text=_("24 digits. Spaces do not matter."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
    # A reply typed while the case closed for idleness rides along, so it is not lost.
    carried = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)

    def clean_carried(self) -> str:
        return str(self.cleaned_data.get("carried", ""))[:TEXT_MAX]


class ReceiptConfirmForm(forms.Form):
    last_group = forms.CharField(
        label=_("The last four digits of your receipt"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class ReplyForm(AttachmentsMixin):
    body = _text(_("Your message"), required=False)

    field_order = ["body", "attachments"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("body", "").strip() and not data.get("attachments"):
            raise forms.ValidationError(_("Write a message or choose a file to send."))
        return data


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How well were you served?"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("5 is very good, 1 is very poor."),
    )
    comment = _text(_("Anything you want to tell us"), required=False)


class IdentityForm(IdentityFieldsMixin):
    consent = forms.BooleanField(
        label=_(
            "I understand that my name and contact details will be kept for the identity "
            "custodians of the organisation, who may let a counselor see them for this case."
        )
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["identity_name"].required = True


class FaqSearchForm(forms.Form):
    q = forms.CharField(label=_("Search the questions"), required=False, max_length=200)
