"""The labels in core.crypto.labels keep their byte values: blobs written before they were
named (by the single-module core/crypto.py) still open under them. A failure here means stored
data would become unreadable (docs/architecture.md §3)."""

import io
import json

import pytest

from core import crypto
from core.crypto import labels

KEY = bytes(range(32))
PRIVATE = bytes(range(32, 64))
CASE = "c0ffee00-0000-4000-8000-000000000001"
UID = "0d15ea5e-0000-4000-8000-000000000002"

# Written with the key and ids above before the labels existed, each with its label spelled out.
FIELDS = {
    labels.CASE_TITLE: (
        "010000000138759e97f07750585f2748a846e45f771b91223994406f458c8c7ed3bcf0f32618ed14"
        "1f47aaf433f055488e393af6bef1"
    ),
    labels.CASE_BODY: (
        "0100000001f5d35c91a3a4b81f5b60c4bee3d499155ab59be47c1e5763849c55a0d339d94ecf8062"
        "711ccd46b9985c712bd80254d9b1"
    ),
    labels.IDENTITY: (
        "0100000001278b644708d0bfb958c4dc29f62c309db33832732f6290d64a7c69c5cb4b60abf26aa0"
        "adcc78207d17738f972fbad8b8f4"
    ),
    labels.RATING_COMMENT: (
        "0100000001bc3612ca685a294632a054b92f252d8abc6e0fc9eec0739fe7a28bd0bdaad5722287d8"
        "2d115618d9e922d18ff59ed79e43"
    ),
    labels.message_body(UID): (
        "0100000001a74d665c794a68d41941fdc58042a15d3940c09a29deca76e813c536efc337225b4d0f"
        "6759040bfa91b034a51d2589dd09"
    ),
    labels.attachment_meta(UID): (
        "01000000012968482e7c8d2dfcb88d31e65f345db6a7a4482993b2db19cef05b357faf7efc15a096"
        "2c5594f82d46d116ea524bc92654"
    ),
    labels.identity_request_reason(UID): (
        "0100000001ed9cfe70a324e9816b8d9200dfa9a10c531854df963e196d90a230dc2f81f2c5a89b1c"
        "0e707f92178f3aa63b57c7f0cca1"
    ),
}
FILE = (
    "0200000001000100005f609c65d1ce93b7c76fc5bdad109d3564754dccce130303a423a548bee59302f10b89"
    "3d39c264906ec90e6d1a6ca3de652f0965"
)
WRAPS = {
    labels.case_wrap("case", CASE): (
        "04727d6b2d3f833aef6a57c3a30b982643c32840962d444ca623608aa34e5b5b3765fac539a38b8b"
        "e30a1a7a43ef8410841b4b9009920d6a55fa0e43136d1934937785f41839f9ba720c5f0f70345ef2"
        "b2"
    ),
    labels.case_wrap("identity", CASE): (
        "045d198bc73e1bb72049f10ca15ab628cb700d92c538cb3c5dd99f257876ffa611970eec910da09a"
        "6d7c5d345145dde4b77d0ea11007461043a039d37477d661121ca35d2acb658eb6c180823c4b6048"
        "10"
    ),
    labels.reason_wrap(UID): (
        "0483031ea08a6134758e115497dc42b687a84a17428df56292ad2c2d457b989c54db2f930f6d1e7f"
        "d04857d439ea6d7f833daac6101bde42c3731cea778d106ffc2015f66995aeab22cec05e553a1214"
        "0b"
    ),
}
SEALS = {
    labels.staff_key_seal(
        7
    ): "03eb93761c14b61b30877d0db26b466114a74d7b6e5f05f590c21790a5fa10e9c610f7",
    labels.receipt_seal(
        CASE
    ): "030e0ff55273c1b808821a6d5ef660f3b5bf147d0090d324146851034f06df5d56b336",
    labels.recovery_kit_seal(
        "rk-X-1"
    ): "03db4388541f2d7fc654f5e3ed51bc8ee9dc70ea39a5ba315a50e374e6ccaea78a8dae",
    labels.totp_secret_seal(
        "totp-1", 7
    ): "03c5ef5ec308786bb187d453acb1985f07be1e217cae2032bbb91931020fb0dd692b30",
    labels.split_secret_seal(
        labels.SPLIT_STAFF_KEY, "b"
    ): "03dfaa812cfc0866e1c6b3624ef9a07973b187be8c6110fa8c8dee68dfa662e326a2a7",
}
MACS = {
    labels.receipt_lookup_mac(
        "1234567"
    ): "8d24b9f14f1c718d8ddde8bba55136850a28a5de4a3cbc3288e4e50860bc6ef0",
    labels.subject_mac("x"): "beec77cd5adcc78df90700fb7ea91acba4d8c61ae320e3cd6a4d1494a6ebeffc",
    labels.receipt_throttle_mac(
        "1234567"
    ): "832dc8917c8d4140fb383cc65643ebf0f5ed8e54c8ccd38cdd404b68f2f21dd5",
    labels.key_check_mac(
        "hmac", "mac-1"
    ): "41f130214b7409707f44f9a3e9d8bd45887dfbfca0fe5074538c2392c74a4b29",
}


@pytest.mark.parametrize("field", list(FIELDS))
def test_stored_fields_open_under_their_label(field):
    blob = bytes.fromhex(FIELDS[field])
    assert crypto.text_decrypt(KEY, blob, case_id=CASE, field=field) == "ความลับ"


def test_a_stored_file_opens_under_its_label():
    out = io.BytesIO()
    src = io.BytesIO(bytes.fromhex(FILE))
    crypto.stream_decrypt(KEY, src, out, case_id=CASE, field=labels.attachment_file(UID))
    assert out.getvalue() == b"file"


@pytest.mark.parametrize("info", list(WRAPS))
def test_stored_wraps_open_under_their_label(info):
    assert crypto.key_unwrap(PRIVATE, bytes.fromhex(WRAPS[info]), info=info) == KEY


@pytest.mark.parametrize("aad", list(SEALS))
def test_stored_seals_open_under_their_label(aad):
    assert crypto.unseal(KEY, bytes.fromhex(SEALS[aad]), aad=aad) == b"secret"


@pytest.mark.parametrize("data", list(MACS))
def test_macs_keep_their_value(data):
    assert crypto.mac(KEY, data) == MACS[data]


def test_labels_are_distinct_where_they_share_a_key():
    """Fields under one case key, and wraps to one person, must never share a label."""
    fields = [
        labels.CASE_TITLE,
        labels.CASE_BODY,
        labels.IDENTITY,
        labels.RATING_COMMENT,
        labels.message_body(UID),
        labels.attachment_file(UID),
        labels.attachment_meta(UID),
        labels.identity_request_reason(UID),
    ]
    assert len(set(fields)) == len(fields)
    wraps = [labels.case_wrap("case", CASE), labels.case_wrap("identity", CASE)]
    assert len(set(wraps)) == len(wraps)
    assert json.loads(labels.totp_secret_seal("k", 1)) == ["counselors/totp-secret/v1", "k", 1]
