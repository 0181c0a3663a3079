from django.test import Client

from cases.keys import key_open
from cases.models import Attachment, Case, CaseKeyWrap, Identity
from cases.receipts import receipt_open
from cases.selectors import case_content
from tests.hotline.intake import file_and_keep_receipt, report_data, upload


def test_it_shows_the_form_in_thai(tree):
    response = Client().get(f"/o/{tree.municipality.code}/report/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "การเรียกรับสินบน" in page
    assert 'enctype="multipart/form-data"' in page
    assert "สมหญิง ใจดี" in page  # counselors can be named as involved
    assert "<script" not in page


def test_it_stores_an_encrypted_report_and_shows_a_receipt(tree):
    client = Client()
    digits = file_and_keep_receipt(
        client, f"/o/{tree.municipality.code}/report/", report_data(tree, who="ปลัด อบต.")
    )
    case = Case.objects.get()
    assert case.organisation == tree.municipality
    assert case.channel == "web" and case.is_anonymous
    opened = receipt_open(digits)
    assert opened is not None and opened[0] == case
    content = case_content(case=case, key=opened[1])
    assert content.title == "ปลัดเรียกเงินใต้โต๊ะจากผู้รับเหมา"
    assert content.body["who"] == "ปลัด อบต."
    assert content.body["how_known"] == "saw"
    assert not Identity.objects.exists()


def test_it_keeps_what_was_typed_when_invalid_and_answers_in_thai(tree):
    data = report_data(tree, what="", who="ข้อความที่พิมพ์ไว้ <b>")
    response = Client().post(f"/o/{tree.municipality.code}/report/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "ข้อความที่พิมพ์ไว้ &lt;b&gt;" in page
    assert "ฟิลด์นี้จำเป็น" in page
    assert 'aria-describedby="id_what_helptext id_what_error"' in page
    assert 'id="id_what_error"' in page
    assert not Case.objects.exists()


def test_it_answers_in_english_under_en(tree):
    data = report_data(tree, what="")
    page = Client().post(f"/en/o/{tree.municipality.code}/report/", data).content.decode()
    assert "This field is required." in page
    assert "What happened?" in page


def test_it_asks_to_choose_files_again_after_an_error(tree):
    data = report_data(tree, what="", attachments=upload("note.txt", "บันทึก".encode()))
    page = Client().post(f"/en/o/{tree.municipality.code}/report/", data).content.decode()
    assert "choose them again" in page
    assert not Attachment.objects.exists()


def test_a_report_naming_a_counselor_goes_to_the_parent_without_them(tree):
    data = report_data(tree, named_staff=[str(tree.counselor.pk), str(tree.supervisor.pk)])
    file_and_keep_receipt(Client(), f"/o/{tree.municipality.code}/report/", data)
    case = Case.objects.get()
    assert case.organisation == tree.district
    holders = set(CaseKeyWrap.objects.filter(case=case).values_list("user", flat=True))
    assert tree.counselor.pk not in holders and tree.supervisor.pk not in holders
    assert tree.district_supervisor.pk in holders
    key = key_open(case=case, user=tree.district_supervisor, private=tree.district_key)
    body = case_content(case=case, key=key).body
    assert body["about_organisation"].endswith(f"({tree.municipality.code})")
    assert "สมหญิง ใจดี" in body["named_staff"]


def test_a_report_naming_the_executive_goes_to_the_parent(tree):
    data = report_data(tree, executive_involved="on")
    file_and_keep_receipt(Client(), f"/o/{tree.municipality.code}/report/", data)
    case = Case.objects.get()
    assert case.organisation == tree.district
    assert not CaseKeyWrap.objects.filter(case=case, user=tree.supervisor).exists()


def test_only_the_organisations_own_counselors_can_be_named(tree, make_staff):
    outsider = make_staff()
    data = report_data(tree, named_staff=[str(outsider.pk)])
    response = Client().post(f"/o/{tree.municipality.code}/report/", data)
    assert response.status_code == 200
    assert not Case.objects.exists()


def test_contact_details_are_stored_apart_as_identity(tree):
    data = report_data(tree, identity_name="นายสมชาย", identity_phone="081 234 5678")
    file_and_keep_receipt(Client(), f"/o/{tree.municipality.code}/report/", data)
    case = Case.objects.get()
    assert not case.is_anonymous
    assert Identity.objects.filter(case=case).exists()
    key = key_open(case=case, user=tree.supervisor, private=tree.supervisor_key)
    content = case_content(case=case, key=key)
    assert "นายสมชาย" not in str(content) and "081" not in str(content)


def test_an_unknown_organisation_is_not_found(db):
    assert Client().get("/o/NOPE/report/").status_code == 404


def test_an_organisation_without_keys_says_so_and_stores_nothing(tree, media):
    from tests.factories import OrganisationFactory

    bare = OrganisationFactory(parent=tree.district)
    data = report_data(tree, attachments=upload("n.txt", b"hello"))
    response = Client().post(f"/en/o/{bare.code}/report/", data)
    assert response.status_code == 200
    assert "has not finished setting up its ethics hotline" in response.content.decode()
    assert not Case.objects.exists() and not Attachment.objects.exists()
    assert not media.exists() or not any(media.rglob("*.*"))
