"""Every string a Thai page shows comes from the Thai catalogue.

The catalogue test (tests/hotline/test_catalogue.py) checks the strings xgettext extracts; a
string it cannot see (gettext_lazy under another name, a label built at run time) still
showed in English. Here the main pages are rendered in Thai while the active Thai translation
records each lookup it could not answer from its catalogue.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils.translation import trans_real

from cases.services import NewCase
from counselors.case_services import conflict_declare
from counselors.identity_services import identity_request_create, identity_request_decide
from tests.cases.factories import new_report
from tests.conftest import signed_in_client
from tests.counselors import team as team_fixtures
from tests.counselors.team import Team
from tests.hotline.intake import (
    Tree,
    file_and_keep_receipt,
    open_case,
    organisation_tree,
    report_data,
)

team = team_fixtures.team

# Strings a Thai page may show as they are, because Thai writes them the same way. None yet:
# add one only with the reason it needs no translation.
SAME_IN_THAI: set[str] = set()


@contextmanager
def misses_recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """The messages looked up in Thai, while inside, that the Thai catalogue does not hold
    (pgettext's "context\\x04message" is recorded as "message [context]")."""
    thai = trans_real.translation("th")
    catalogue = thai._catalog
    misses: set[str] = set()
    gettext, ngettext = thai.gettext, thai.ngettext

    def miss(message: str) -> None:
        context, _, text = message.rpartition(trans_real.CONTEXT_SEPARATOR)
        misses.add(f"{text} [{context}]" if context else text)

    def gettext_recorded(message: str) -> str:
        # GNUTranslations.gettext also answers a singular from a plural entry.
        if message not in catalogue and (message, thai.plural(1)) not in catalogue:
            miss(message)
        return gettext(message)

    def ngettext_recorded(singular: str, plural: str, n: int) -> str:
        try:
            catalogue.plural(singular, n)
        except KeyError:
            miss(singular)
        return ngettext(singular, plural, n)

    with monkeypatch.context() as patch:
        patch.setattr(thai, "gettext", gettext_recorded)
        patch.setattr(thai, "ngettext", ngettext_recorded)
        yield misses


@pytest.fixture
def public(db, settings, tmp_path) -> tuple[Tree, Client]:
    """An organisation that receives reports, and a reporter back on the case they filed,
    having given a name and every way to reach them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()  # the intake throttles
    tree = organisation_tree()
    data = report_data(
        tree,
        identity_name="นายสมชาย",
        identity_phone="081 234 5678",
        identity_email="somchai@example.com",
        identity_other="ไลน์ somchai",
    )
    receipt = file_and_keep_receipt(Client(), f"/o/{tree.municipality.code}/report/", data)
    reporter = Client()
    open_case(reporter, receipt)
    return tree, reporter


@pytest.fixture
def case(team: Team) -> NewCase:
    """A report its counselor reads, whose reporter's identity a custodian let them see."""
    new = new_report(
        team.organisation,
        identity={"name": "สมศรี", "phone": "0812345678", "email": "a@example.com",
                  "other": "ไลน์ somsri"},
    )  # fmt: skip
    team.assign(new.case)
    conflict_declare(case=new.case, user=team.counselor)
    request = identity_request_create(
        case=new.case, requester=team.counselor, reason="ต้องสัมภาษณ์ผู้แจ้งเพื่อยืนยันข้อเท็จจริง"
    )
    identity_request_decide(
        request_id=request.pk, custodian=team.custodian, private=team.key(team.custodian),
        approve=True,
    )  # fmt: skip
    return new


Read = tuple[Client, str] | tuple[Client, str, dict[str, str]]


def pages_read(monkeypatch: pytest.MonkeyPatch, reads: list[Read]) -> set[str]:
    """Each page read (GET), or a form sent (POST, when data is given) that comes back with
    its errors."""
    with misses_recorded(monkeypatch) as misses:
        for client, url, *data in reads:
            response = client.post(url, data[0]) if data else client.get(url)
            assert response.status_code == 200, url
            assert response.headers["Content-Language"] == "th", url
    return misses - SAME_IN_THAI


def test_the_public_pages_show_no_untranslated_string(public, monkeypatch):
    tree, reporter = public
    code = tree.municipality.code
    anyone = Client()
    misses = pages_read(
        monkeypatch,
        [
            (anyone, "/"),
            (anyone, f"/o/{code}/"),
            (anyone, f"/o/{code}/question/"),
            (anyone, f"/o/{code}/report/"),  # the identity fields are part of it
            (anyone, f"/o/{code}/report/", {"identity_email": "not an address"}),
            (anyone, f"/o/{code}/report/", {"identity_name": "ก" * 201, "who": "a\x00b"}),
            (anyone, f"/o/{code}/question/", {}),
            (anyone, "/find/"),
            (anyone, "/faq/"),
            (anyone, "/return/"),
            (anyone, "/return/", {"receipt": "12"}),
            (anyone, f"/ita/{code}/"),
            (reporter, "/case/"),
        ],
    )
    assert sorted(misses) == []


def test_the_staff_pages_show_no_untranslated_string(team, case, monkeypatch):
    number = case.case.pk
    counselor, auditor = signed_in_client(team.counselor), signed_in_client(team.auditor)
    supervisor = signed_in_client(team.supervisor)
    misses = pages_read(
        monkeypatch,
        [
            (Client(), "/staff/login/"),
            (Client(), "/staff/login/", {"username": "nobody", "password": "wrong"}),
            (counselor, "/staff/cases/"),
            (supervisor, "/staff/cases/"),
            (supervisor, "/staff/faq/"),
            (signed_in_client(team.custodian), "/staff/identity-requests/"),
            (counselor, "/staff/cases/new/"),
            (counselor, f"/staff/cases/{number}/"),
            (counselor, f"/staff/cases/{number}/identity/"),
            (auditor, "/staff/audit/"),
            (auditor, "/staff/audit/?org=NOWHERE&fy=1&category=x"),
            (auditor, "/staff/audit/log/?start=yesterday&org=" + "Z" * 30),
            (auditor, "/staff/audit/log/"),
        ],
    )
    assert sorted(misses) == []


def test_the_recorder_catches_a_string_missing_from_the_catalogue(db, monkeypatch):
    from django.utils.translation import gettext, ngettext, pgettext

    with misses_recorded(monkeypatch) as misses:
        assert gettext("Audit log") != "Audit log"  # in the catalogue
        gettext("A string no catalogue holds")
        ngettext("%(n)s thing nobody counts", "%(n)s things nobody counts", 2)
        pgettext("a context", "Nobody's word")
    assert misses == {
        "A string no catalogue holds",
        "%(n)s thing nobody counts",
        "Nobody's word [a context]",
    }
