from cases.receipts import receipt_open
from core import crypto
from tests.cases.factories import new_report, organisation_with_kit


def test_the_receipt_opens_its_case(db):
    organisation, _ = organisation_with_kit()
    created = new_report(organisation)
    opened = receipt_open(created.receipt.display)
    assert opened is not None
    assert opened == (created.case, created.key)


def test_it_accepts_the_receipt_as_people_type_it(db):
    organisation, _ = organisation_with_kit()
    created = new_report(organisation)
    typed = "-".join(created.receipt.display.split())
    thai = created.receipt.digits.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    assert receipt_open(typed) is not None
    assert receipt_open(thai) is not None


def test_a_wrong_secret_part_opens_nothing(db):
    organisation, _ = organisation_with_kit()
    created = new_report(organisation)
    # Same lookup part, another secret part, valid check digit: still nothing.
    forged = crypto.receipt_new()
    guess = crypto.Receipt(lookup=created.receipt.lookup, secret=forged.secret)
    assert receipt_open(guess.digits) is None


def test_wrong_and_malformed_receipts_open_nothing(db):
    organisation, _ = organisation_with_kit()
    created = new_report(organisation)
    digits = created.receipt.digits
    typo = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    for attempt in [typo, crypto.receipt_new().digits, "", "1234", "x" * 10_000, digits + "1"]:
        assert receipt_open(attempt) is None


def test_only_a_keyed_hash_of_the_lookup_part_is_stored(db):
    organisation, _ = organisation_with_kit()
    created = new_report(organisation)
    case = created.case
    stored = " ".join(
        [case.receipt_lookup, bytes(case.receipt_salt).hex(), bytes(case.receipt_wrap).hex()]
    )
    assert created.receipt.lookup not in case.receipt_lookup
    assert created.receipt.secret not in stored
