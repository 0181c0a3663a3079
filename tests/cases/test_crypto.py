"""core.crypto: round trips, and every way of moving, cutting or altering a blob fails."""

import hashlib
import hmac as std_hmac
import io
import re
import struct
import threading
import time
import tracemalloc
from collections import Counter

import pytest
from argon2 import low_level as argon2_low
from django.core.exceptions import ImproperlyConfigured
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core import crypto
from core.crypto import Argon2Params, CryptoError, Receipt, primitives, receipts

FAST = Argon2Params(memory_kib=64, iterations=1, lanes=1)
THAI = "ผู้ร้องเรียนแจ้งว่านายกเทศมนตรีรับสินบน 50,000 บาท ในโครงการจัดซื้อจัดจ้าง"
CASE = "c0ffee00-0000-4000-8000-000000000001"
KEY = bytes(range(32))
HEADER = struct.calcsize(">BII32s")  # format, key version, chunk size, salt
TAG = 16

hyp = hsettings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def flipped(blob: bytes, i: int, bit: int = 0x01) -> bytes:
    return blob[:i] + bytes([blob[i] ^ bit]) + blob[i + 1 :]


# ---- fields -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "plaintext",
    [THAI.encode(), b"", bytes(range(256)), b"\x00" * 1000, bytes(1 << 20)],
    ids=["thai", "empty", "binary", "zeros", "1MiB"],
)
def test_field_round_trip(plaintext):
    blob = crypto.field_encrypt(KEY, plaintext, case_id=CASE, field="description")
    assert crypto.field_decrypt(KEY, blob, case_id=CASE, field="description") == plaintext
    assert len(blob) == 1 + 4 + 12 + len(plaintext) + TAG
    assert blob[0] == crypto.FORMAT_FIELD
    if plaintext:
        assert plaintext not in blob


@hyp
@given(
    plaintext=st.binary(max_size=2000),
    case_id=st.text(max_size=40),
    field=st.text(max_size=40),
    key_version=st.integers(1, 2**32 - 1),
)
def test_field_round_trip_property(plaintext, case_id, field, key_version):
    key = crypto.case_key_new()
    blob = crypto.field_encrypt(
        key, plaintext, case_id=case_id, field=field, key_version=key_version
    )
    assert crypto.field_decrypt(key, blob, case_id=case_id, field=field) == plaintext
    assert crypto.key_version_of(blob) == key_version


@hyp
@given(text=st.text(max_size=500))
def test_text_round_trip_property(text):
    blob = crypto.text_encrypt(KEY, text, case_id=CASE, field="f")
    assert crypto.text_decrypt(KEY, blob, case_id=CASE, field="f") == text


def test_text_round_trip_thai_and_empty():
    for text in (THAI, ""):
        blob = crypto.text_encrypt(KEY, text, case_id=CASE, field="summary", key_version=3)
        assert crypto.text_decrypt(KEY, blob, case_id=CASE, field="summary") == text
        assert crypto.key_version_of(blob) == 3


def test_field_nonce_is_fresh_each_time():
    blobs = {crypto.field_encrypt(KEY, b"same", case_id=CASE, field="f") for _ in range(100)}
    assert len(blobs) == 100
    assert len({b[5:17] for b in blobs}) == 100


def test_case_keys_are_random_and_32_bytes():
    keys = {crypto.case_key_new() for _ in range(100)}
    assert len(keys) == 100
    assert all(len(k) == 32 for k in keys)
    assert len(crypto.salt_new()) == 16
    assert crypto.salt_new() != crypto.salt_new()


@pytest.mark.parametrize(
    "case_id, field",
    [(CASE, "subject"), ("c0ffee00-0000-4000-8000-000000000002", "description"), (CASE, "")],
)
def test_field_moved_to_another_field_or_case_fails(case_id, field):
    blob = crypto.field_encrypt(KEY, b"secret", case_id=CASE, field="description")
    with pytest.raises(CryptoError):
        crypto.field_decrypt(KEY, blob, case_id=case_id, field=field)


def test_field_associated_data_is_unambiguous():
    # Plain concatenation would make ("ab", "c") and ("a", "bc") the same associated data.
    blob = crypto.field_encrypt(KEY, b"secret", case_id="ab", field="c")
    with pytest.raises(CryptoError):
        crypto.field_decrypt(KEY, blob, case_id="a", field="bc")


def test_field_every_altered_byte_fails():
    blob = crypto.field_encrypt(KEY, b"a short secret", case_id=CASE, field="f")
    for i in range(len(blob)):
        for bit in (0x01, 0x80):
            with pytest.raises(CryptoError):
                crypto.field_decrypt(KEY, flipped(blob, i, bit), case_id=CASE, field="f")


def test_field_altered_key_version_fails():
    blob = crypto.field_encrypt(KEY, b"secret", case_id=CASE, field="f", key_version=1)
    forged = blob[:1] + (2).to_bytes(4, "big") + blob[5:]
    assert crypto.key_version_of(forged) == 2
    with pytest.raises(CryptoError):
        crypto.field_decrypt(KEY, forged, case_id=CASE, field="f")


def test_field_wrong_key_fails():
    blob = crypto.field_encrypt(KEY, b"secret", case_id=CASE, field="f")
    for key in (crypto.case_key_new(), KEY[:-1] + b"\x00", KEY[:16], KEY + b"\x00", b""):
        with pytest.raises(CryptoError):
            crypto.field_decrypt(key, blob, case_id=CASE, field="f")


def test_field_truncated_or_foreign_blobs_fail():
    blob = crypto.field_encrypt(KEY, b"secret", case_id=CASE, field="f")
    for n in range(len(blob)):
        with pytest.raises(CryptoError):
            crypto.field_decrypt(KEY, blob[:n], case_id=CASE, field="f")
    with pytest.raises(CryptoError):
        crypto.field_decrypt(KEY, blob + b"\x00", case_id=CASE, field="f")
    sealed = crypto.seal(KEY, b"secret", aad=b"f")
    with pytest.raises(CryptoError):
        crypto.field_decrypt(KEY, sealed, case_id=CASE, field="f")
    with pytest.raises(CryptoError):
        crypto.unseal(KEY, blob, aad=b"f")


def test_text_decrypt_of_non_utf8_fails_without_leaking():
    blob = crypto.field_encrypt(KEY, b"\xff\xfeplaintext-marker", case_id=CASE, field="f")
    with pytest.raises(CryptoError) as info:
        crypto.text_decrypt(KEY, blob, case_id=CASE, field="f")
    assert info.value.__context__ is None and info.value.__cause__ is None
    assert "marker" not in repr(info.value)


def test_errors_carry_no_key_or_plaintext():
    blob = crypto.field_encrypt(KEY, b"plaintext-marker", case_id=CASE, field="f")
    with pytest.raises(CryptoError) as info:
        crypto.field_decrypt(KEY, flipped(blob, 20), case_id=CASE, field="f")
    message = f"{info.value!r} {info.value}"
    assert "marker" not in message
    assert KEY.hex() not in message and repr(KEY) not in message
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_field_encrypt_rejects_bad_arguments():
    with pytest.raises(ValueError):
        crypto.field_encrypt(KEY, b"x", case_id=CASE, field="f", key_version=0)
    with pytest.raises(ValueError):
        crypto.field_encrypt(KEY, b"x", case_id=CASE, field="f", key_version=2**32)
    with pytest.raises(CryptoError):
        crypto.field_encrypt(KEY[:16], b"x", case_id=CASE, field="f")
    with pytest.raises(CryptoError):
        crypto.key_version_of(b"\x01\x00")


# ---- files --------------------------------------------------------------------------------


def encrypt_file(data: bytes, chunk_size: int = 16, key: bytes = KEY, **kw) -> bytes:
    out = io.BytesIO()
    n = crypto.stream_encrypt(
        key, io.BytesIO(data), out, case_id=kw.get("case_id", CASE),
        field=kw.get("field", "attachment:1"), chunk_size=chunk_size,
        key_version=kw.get("key_version", 1),
    )  # fmt: skip
    assert n == len(data)
    return out.getvalue()


def decrypt_file(blob: bytes, key: bytes = KEY, case_id: str = CASE, field="attachment:1"):
    out = io.BytesIO()
    n = crypto.stream_decrypt(key, io.BytesIO(blob), out, case_id=case_id, field=field)
    assert n == len(out.getvalue())
    return out.getvalue()


def chunks_of(blob: bytes, chunk_size: int) -> tuple[bytes, list[bytes]]:
    body = blob[HEADER:]
    size = chunk_size + TAG
    return blob[:HEADER], [body[i : i + size] for i in range(0, len(body), size)]


@pytest.mark.parametrize("size", [0, 1, 15, 16, 17, 31, 32, 33, 47, 48, 49, 100])
def test_file_round_trip_around_chunk_boundaries(size):
    data = bytes((i * 7) % 256 for i in range(size))
    blob = encrypt_file(data, chunk_size=16)
    assert decrypt_file(blob) == data
    chunks = max(1, -(-size // 16))
    assert len(blob) == HEADER + size + chunks * TAG


@pytest.mark.parametrize("size", [0, 65535, 65536, 65537, 3 * 65536 + 5])
def test_file_round_trip_default_chunk(size):
    data = (THAI.encode() * (size // 100 + 1))[:size]
    out = io.BytesIO()
    n = crypto.stream_encrypt(KEY, io.BytesIO(data), out, case_id=CASE, field="attachment:1")
    assert n == size
    blob = out.getvalue()
    assert len(blob) == HEADER + size + max(1, -(-size // 65536)) * TAG
    pieces = list(crypto.stream_decrypt_chunks(KEY, io.BytesIO(blob), case_id=CASE,
                                               field="attachment:1"))  # fmt: skip
    assert b"".join(pieces) == data
    assert all(len(p) == 65536 for p in pieces[:-1])


def test_empty_file_is_one_final_empty_chunk():
    blob = encrypt_file(b"")
    assert len(blob) == HEADER + TAG
    assert decrypt_file(blob) == b""
    assert list(crypto.stream_decrypt_chunks(KEY, io.BytesIO(blob), case_id=CASE,
                                             field="attachment:1")) == [b""]  # fmt: skip
    with pytest.raises(CryptoError):  # the header alone: its only chunk is missing
        decrypt_file(blob[:HEADER])
    with pytest.raises(CryptoError):
        decrypt_file(b"")


@hyp
@given(data=st.binary(max_size=3000), chunk_size=st.integers(1, 300), key_version=st.integers(1, 9))
def test_file_round_trip_property(data, chunk_size, key_version):
    blob = encrypt_file(data, chunk_size=chunk_size, key_version=key_version)
    assert decrypt_file(blob) == data
    assert crypto.key_version_of(blob[:5]) == key_version


class Trickle(io.RawIOBase):
    """A raw stream that hands out at most 3 bytes per read, as pipes and sockets may."""

    def __init__(self, data: bytes) -> None:
        self.buf = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self.buf.read(min(size, 3) if size >= 0 else 3)


def test_file_short_reads_are_reassembled():
    data = bytes(range(256)) * 3
    out = io.BytesIO()
    crypto.stream_encrypt(KEY, Trickle(data), out, case_id=CASE, field="f", chunk_size=50)
    blob = out.getvalue()
    assert len(blob) == HEADER + len(data) + 16 * TAG
    sink = io.BytesIO()
    crypto.stream_decrypt(KEY, Trickle(blob), sink, case_id=CASE, field="f")
    assert sink.getvalue() == data


DATA = bytes(range(80))  # five chunks of 16


def test_file_chunks_reordered_fail():
    header, chunks = chunks_of(encrypt_file(DATA), 16)
    assert len(chunks) == 5
    for i, j in [(0, 1), (1, 2), (3, 4), (0, 4)]:
        swapped = list(chunks)
        swapped[i], swapped[j] = swapped[j], swapped[i]
        with pytest.raises(CryptoError):
            decrypt_file(header + b"".join(swapped))


def test_file_truncated_at_a_chunk_boundary_fails():
    header, chunks = chunks_of(encrypt_file(DATA), 16)
    for keep in range(len(chunks)):
        with pytest.raises(CryptoError):
            decrypt_file(header + b"".join(chunks[:keep]))
    with pytest.raises(CryptoError):  # the first chunk dropped
        decrypt_file(header + b"".join(chunks[1:]))


def test_file_truncated_anywhere_fails():
    blob = encrypt_file(DATA)
    for n in range(len(blob)):
        with pytest.raises(CryptoError):
            decrypt_file(blob[:n])


def test_file_duplicated_chunk_fails():
    header, chunks = chunks_of(encrypt_file(DATA), 16)
    for i in range(len(chunks)):
        with pytest.raises(CryptoError):
            decrypt_file(header + b"".join(chunks[: i + 1] + chunks[i:]))


def test_file_data_after_the_final_chunk_fails():
    blob = encrypt_file(DATA)
    _, chunks = chunks_of(blob, 16)
    _, other_chunks = chunks_of(encrypt_file(DATA), 16)
    for extra in (chunks[-1], chunks[0], other_chunks[-1], b"\x00", b"\x00" * (16 + TAG)):
        with pytest.raises(CryptoError):
            decrypt_file(blob + extra)


def test_file_chunk_spliced_from_another_file_fails():
    header, chunks = chunks_of(encrypt_file(DATA), 16)
    _, other = chunks_of(encrypt_file(DATA), 16)  # same key, case, field and plaintext
    for i in range(len(chunks)):
        with pytest.raises(CryptoError):
            decrypt_file(header + b"".join([*chunks[:i], other[i], *chunks[i + 1 :]]))


def test_file_every_altered_byte_fails():
    blob = encrypt_file(DATA[:40])
    for i in range(len(blob)):
        with pytest.raises(CryptoError):
            decrypt_file(flipped(blob, i))


def test_file_altered_key_version_fails():
    blob = encrypt_file(DATA, key_version=1)
    forged = blob[:1] + (2).to_bytes(4, "big") + blob[5:]
    assert crypto.key_version_of(forged) == 2
    with pytest.raises(CryptoError):
        decrypt_file(forged)


class Greedy(io.BytesIO):
    """Fails the test if asked for more than a chunk's worth at once."""

    def read(self, size: int | None = -1) -> bytes:
        assert size is not None and 0 <= size <= crypto.MAX_CHUNK_SIZE + TAG, size
        return super().read(size)


def test_file_forged_huge_chunk_size_fails_without_reading():
    blob = encrypt_file(DATA)
    for size in (0, crypto.MAX_CHUNK_SIZE + 1, 2**32 - 1):
        forged = blob[:5] + size.to_bytes(4, "big") + blob[9:]
        with pytest.raises(CryptoError):
            crypto.stream_decrypt(KEY, Greedy(forged), Sink(), case_id=CASE, field="attachment:1")


def test_file_nonce_differs_per_chunk_and_per_file():
    # Under one key and nonce, GCM turns equal plaintexts into equal ciphertexts.
    _, chunks = chunks_of(encrypt_file(bytes(16) * 5), 16)
    _, other = chunks_of(encrypt_file(bytes(16) * 5), 16)
    bodies = [c[:16] for c in chunks + other]
    assert len(set(bodies)) == 10


def test_file_wrong_key_case_or_field_fails():
    blob = encrypt_file(DATA)
    with pytest.raises(CryptoError):
        decrypt_file(blob, key=crypto.case_key_new())
    with pytest.raises(CryptoError):
        decrypt_file(blob, key=KEY[:31])
    with pytest.raises(CryptoError):
        decrypt_file(blob, case_id="another-case")
    with pytest.raises(CryptoError):
        decrypt_file(blob, field="attachment:2")
    with pytest.raises(CryptoError):  # a field blob is not a file
        decrypt_file(crypto.field_encrypt(KEY, DATA, case_id=CASE, field="attachment:1"))


def test_stream_encrypt_rejects_bad_chunk_size():
    for size in (0, -1, crypto.MAX_CHUNK_SIZE + 1):
        with pytest.raises(ValueError):
            encrypt_file(DATA, chunk_size=size)


class Generated(io.RawIOBase):
    """`total` bytes made on demand, so the source itself holds no memory."""

    def __init__(self, total: int) -> None:
        self.left = total
        self.block = bytes(range(256)) * 257

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        n = min(size, self.left, 65536)
        start = self.left % 256  # a fresh object each time, as a real read would give
        self.left -= n
        return self.block[start : start + n]


class Sink(io.RawIOBase):
    def __init__(self) -> None:
        self.count = 0
        self.digest = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.count += len(data)
        self.digest.update(data)
        return len(data)


def test_file_streaming_memory_stays_per_chunk(tmp_path):
    total = 32 * 1024 * 1024
    path = tmp_path / "file.enc"
    tracemalloc.start()
    try:
        with path.open("wb") as dst:
            n = crypto.stream_encrypt(KEY, Generated(total), dst, case_id=CASE, field="f")
        _, encrypt_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        sink = Sink()
        with path.open("rb") as src:
            m = crypto.stream_decrypt(KEY, src, sink, case_id=CASE, field="f")
        _, decrypt_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert n == m == sink.count == total
    expected = hashlib.sha256()
    src = Generated(total)
    while block := src.read(65536):
        expected.update(block)
    assert sink.digest.digest() == expected.digest()
    assert encrypt_peak < 1024 * 1024, encrypt_peak
    assert decrypt_peak < 1024 * 1024, decrypt_peak


# ---- sealing ------------------------------------------------------------------------------


def test_seal_round_trip_and_binding():
    key = crypto.case_key_new()
    for secret in (b"", b"\x01" * 32, THAI.encode()):
        blob = crypto.seal(key, secret, aad=b"staff:7")
        assert crypto.unseal(key, blob, aad=b"staff:7") == secret
        assert len(blob) == 1 + 12 + len(secret) + TAG
    blob = crypto.seal(key, b"private key", aad=b"staff:7")
    with pytest.raises(CryptoError):
        crypto.unseal(key, blob, aad=b"staff:8")
    with pytest.raises(CryptoError):
        crypto.unseal(crypto.case_key_new(), blob, aad=b"staff:7")
    with pytest.raises(CryptoError):
        crypto.unseal(key[:16], blob, aad=b"staff:7")
    for i in range(len(blob)):
        with pytest.raises(CryptoError):
            crypto.unseal(key, flipped(blob, i), aad=b"staff:7")
    for n in range(len(blob)):
        with pytest.raises(CryptoError):
            crypto.unseal(key, blob[:n], aad=b"staff:7")


# ---- HPKE key wrapping ----------------------------------------------------------------------


def test_keypair_shapes():
    private, public = crypto.keypair_new()
    assert len(private) == 32 and len(public) == 32
    assert crypto.public_key_derive(private) == public
    assert crypto.keypair_new()[0] != private


def test_key_wrap_round_trip():
    private, public = crypto.keypair_new()
    case_key = crypto.case_key_new()
    wrapped = crypto.key_wrap(public, case_key, info=b"case:123")
    assert len(wrapped) == 1 + 32 + 32 + TAG
    assert case_key not in wrapped
    assert crypto.key_unwrap(private, wrapped, info=b"case:123") == case_key
    # Randomised: wrapping twice gives different blobs that both unwrap.
    again = crypto.key_wrap(public, case_key, info=b"case:123")
    assert again != wrapped
    assert crypto.key_unwrap(private, again, info=b"case:123") == case_key


def test_key_unwrap_with_wrong_private_key_or_info_fails():
    private, public = crypto.keypair_new()
    other_private, _ = crypto.keypair_new()
    wrapped = crypto.key_wrap(public, crypto.case_key_new(), info=b"case:123")
    with pytest.raises(CryptoError):
        crypto.key_unwrap(other_private, wrapped, info=b"case:123")
    for info in (b"case:124", b"case:12", b"", b"case:123\x00"):
        with pytest.raises(CryptoError):
            crypto.key_unwrap(private, wrapped, info=info)
    with pytest.raises(CryptoError):
        crypto.key_unwrap(private[:31], wrapped, info=b"case:123")


def test_key_unwrap_of_altered_or_cut_blob_fails():
    private, public = crypto.keypair_new()
    wrapped = crypto.key_wrap(public, crypto.case_key_new(), info=b"case:123")
    for i in range(len(wrapped)):
        with pytest.raises(CryptoError):
            crypto.key_unwrap(private, flipped(wrapped, i), info=b"case:123")
    for n in range(len(wrapped)):
        with pytest.raises(CryptoError):
            crypto.key_unwrap(private, wrapped[:n], info=b"case:123")


def test_key_wrap_to_bad_public_key_fails():
    for public in (b"\x00" * 32, b"\x01" + b"\x00" * 31, b"\x00" * 31, b""):
        with pytest.raises(CryptoError):
            crypto.key_wrap(public, crypto.case_key_new(), info=b"case:1")


def test_key_wrap_to_a_receipt_derived_key():
    # A private key from an Argon2id output: the server stores only the public half.
    seed = crypto.argon2id(b"1234567890123456", crypto.salt_new(), FAST)
    public = crypto.public_key_derive(seed)
    case_key = crypto.case_key_new()
    wrapped = crypto.key_wrap(public, case_key, info=b"case:9:receipt")
    assert crypto.key_unwrap(seed, wrapped, info=b"case:9:receipt") == case_key


# ---- Argon2id -----------------------------------------------------------------------------


def test_argon2id_is_deterministic_and_sensitive():
    salt = b"0123456789abcdef"
    key = crypto.argon2id(b"correct horse", salt, FAST)
    assert len(key) == 32
    assert crypto.argon2id(b"correct horse", salt, FAST) == key
    assert crypto.argon2id(b"correct horse", b"0123456789abcdeF", FAST) != key
    assert crypto.argon2id(b"correct horsf", salt, FAST) != key
    assert crypto.argon2id(b"correct horse", salt, Argon2Params(128, 1, 1)) != key
    assert crypto.argon2id(b"correct horse", salt, Argon2Params(64, 2, 1)) != key
    assert crypto.argon2id(b"correct horse", salt, Argon2Params(64, 1, 2)) != key


def test_argon2id_known_answer():
    # Computed independently with argon2-cffi (low-level API, Argon2id v1.3).
    salt = b"saltsaltsaltsalt"
    expected = argon2_low.hash_secret_raw(
        b"password", salt, time_cost=1, memory_cost=64, parallelism=1, hash_len=32,
        type=argon2_low.Type.ID,
    )  # fmt: skip
    assert crypto.argon2id(b"password", salt, FAST) == expected


def test_argon2id_rejects_short_salt():
    with pytest.raises(ValueError):
        crypto.argon2id(b"x", b"short salt", FAST)


def test_argon2_params_default_and_from_settings(settings):
    settings.HOTLINE_ARGON2 = None
    assert crypto.argon2_params() == Argon2Params(memory_kib=65536, iterations=3, lanes=1)
    settings.HOTLINE_ARGON2 = {"memory_kib": 256, "iterations": 1, "lanes": 1}
    assert crypto.argon2_params() == Argon2Params(memory_kib=256, iterations=1, lanes=1)
    salt = crypto.salt_new()
    assert crypto.argon2id(b"pw", salt) == crypto.argon2id(b"pw", salt, Argon2Params(256, 1, 1))
    for bad in ({"memory_kib": 4}, {"iterations": 0}, {"memory": 64}, {"lanes": "many"}, [1]):
        settings.HOTLINE_ARGON2 = bad
        with pytest.raises(ImproperlyConfigured):
            crypto.argon2_params()


@pytest.mark.parametrize("limit", [1, 2])
def test_argon2id_concurrency_is_bounded(settings, monkeypatch, limit):
    settings.HOTLINE_ARGON2_MAX_CONCURRENT = limit
    active = 0
    peak = 0
    lock = threading.Lock()

    class SlowKdf:
        def __init__(self, **kwargs) -> None:
            pass

        def derive(self, secret: bytes) -> bytes:
            nonlocal active, peak
            with lock:
                active += 1
                peak = max(peak, active)
            time.sleep(0.05)
            with lock:
                active -= 1
            return bytes(32)

    monkeypatch.setattr(primitives, "Argon2id", SlowKdf)
    threads = [
        threading.Thread(target=crypto.argon2id, args=(b"pw", bytes(16), FAST)) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == limit


# ---- keyed hashing ---------------------------------------------------------------------------


def test_mac_matches_rfc4231_and_stdlib():
    # RFC 4231, test case 1.
    assert crypto.mac(b"\x0b" * 20, b"Hi There") == (
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    )
    key = crypto.case_key_new()
    data = THAI.encode()
    assert crypto.mac(key, data) == std_hmac.new(key, data, hashlib.sha256).hexdigest()
    assert crypto.mac(key, data) != crypto.mac(crypto.case_key_new(), data)
    assert crypto.mac(key, data) != crypto.mac(key, data + b".")
    with pytest.raises(ValueError):
        crypto.mac(b"short", data)


def test_constant_time_equal():
    assert crypto.constant_time_equal(b"abc", b"abc")
    assert crypto.constant_time_equal(b"", b"")
    assert not crypto.constant_time_equal(b"abc", b"abd")
    assert not crypto.constant_time_equal(b"abc", b"abcd")


# ---- receipts -----------------------------------------------------------------------------


def test_damm_table_catches_every_single_error_and_adjacent_transposition():
    table = receipts._DAMM
    # A Latin square: every single substitution changes the running value.
    for row in table:
        assert sorted(row) == list(range(10))
    for col in range(10):
        assert sorted(r[col] for r in table) == list(range(10))
    assert all(table[i][i] == 0 for i in range(10))
    # Weak total anti-symmetry: swapping two different neighbours changes the result.
    for c in range(10):
        for x in range(10):
            for y in range(10):
                if x != y:
                    assert table[table[c][x]][y] != table[table[c][y]][x]
    assert receipts._damm("572") == 4  # the worked example in Damm's description
    assert receipts._damm("5724") == 0


def test_receipt_shape():
    receipt = crypto.receipt_new()
    assert re.fullmatch(r"\d{7}", receipt.lookup)
    assert re.fullmatch(r"\d{16}", receipt.secret)
    assert re.fullmatch(r"\d{24}", receipt.digits)
    assert receipt.digits.startswith(receipt.lookup + receipt.secret)
    assert re.fullmatch(r"\d{4}( \d{4}){5}", receipt.display)
    assert receipt.display.replace(" ", "") == receipt.digits
    assert receipt.secret not in repr(receipt)


def test_ten_thousand_receipts_parse_back():
    receipts = [crypto.receipt_new() for _ in range(10_000)]
    assert len({r.digits for r in receipts}) == 10_000
    for r in receipts:
        assert crypto.receipt_parse(r.display) == r
        assert crypto.receipt_parse(r.digits) == r


def test_every_single_digit_error_and_adjacent_transposition_is_rejected():
    for _ in range(200):
        digits = crypto.receipt_new().digits
        for i, d in enumerate(digits):
            for other in "0123456789":
                if other != d:
                    with pytest.raises(CryptoError):
                        crypto.receipt_parse(digits[:i] + other + digits[i + 1 :])
        for i in range(len(digits) - 1):
            if digits[i] != digits[i + 1]:
                swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
                with pytest.raises(CryptoError):
                    crypto.receipt_parse(swapped)


def test_receipt_parse_accepts_how_people_type_it():
    r = crypto.receipt_new()
    thai = r.digits.translate({ord("0") + i: 0x0E50 + i for i in range(10)})
    d = r.digits
    for text in (
        r.display,
        d,
        "-".join(d[i : i + 4] for i in range(0, 24, 4)),
        f"  {r.display}\n",
        thai,
        " ".join(thai[i : i + 4] for i in range(0, 24, 4)),
        thai[:12] + d[12:],
        "\u2013".join(d[i : i + 4] for i in range(0, 24, 4)),  # a phone's en dash
    ):
        assert crypto.receipt_parse(text) == r


def test_receipt_parse_rejects_malformed():
    d = crypto.receipt_new().digits
    arabic_indic = d[:-1] + chr(0x0660 + int(d[-1]))
    fullwidth = d[:-1] + chr(0xFF10 + int(d[-1]))
    for text in ("", d[:-1], d + "0", d[:10] + "a" + d[11:], arabic_indic, fullwidth,
                 d[:5] + "." + d[5:], "0" * 23 + "x"):  # fmt: skip
        with pytest.raises(CryptoError):
            crypto.receipt_parse(text)
    with pytest.raises(CryptoError):
        crypto.receipt_parse(None)  # type: ignore[arg-type]


def test_receipt_parse_caps_length_before_any_work():
    r = crypto.receipt_new()
    padded = r.display + " " * (64 - len(r.display))
    assert crypto.receipt_parse(padded) == r
    with pytest.raises(CryptoError):
        crypto.receipt_parse(padded + " ")

    class Untouchable(str):
        def _touched(self, *args, **kwargs):
            raise AssertionError("the over-long input was processed")

        translate = replace = split = strip = encode = __iter__ = __getitem__ = _touched

    huge = Untouchable("1" * 10_000_000)
    start = time.perf_counter()
    with pytest.raises(CryptoError):
        crypto.receipt_parse(huge)
    assert time.perf_counter() - start < 0.05


def test_receipt_digits_are_uniform_per_position():
    counts = [Counter() for _ in range(24)]
    for _ in range(10_000):
        for i, d in enumerate(crypto.receipt_new().digits):
            counts[i][d] += 1
    # Each digit is expected 1,000 times per position, standard deviation 30.
    for position in counts:
        assert set(position) == set("0123456789")
        assert all(800 < n < 1200 for n in position.values()), position


def test_receipt_rejects_bad_parts():
    with pytest.raises(ValueError):
        Receipt(lookup="123456", secret="1" * 16)
    with pytest.raises(ValueError):
        Receipt(lookup="1234567", secret="1" * 15 + "a")
    with pytest.raises(ValueError):
        Receipt(lookup="123456๗", secret="1" * 16)


def test_stream_decrypt_chunks_fails_before_the_first_byte_is_sent():
    blob = encrypt_file(DATA)
    for key, case_id in ((crypto.case_key_new(), CASE), (KEY, "another-case")):
        # No iteration: the error comes from the call, before a response could start.
        with pytest.raises(CryptoError):
            crypto.stream_decrypt_chunks(
                key, io.BytesIO(blob), case_id=case_id, field="attachment:1"
            )
    chunks = crypto.stream_decrypt_chunks(KEY, io.BytesIO(blob[:-1]), case_id=CASE,
                                          field="attachment:1")  # fmt: skip
    assert next(chunks) == DATA[:16]
    with pytest.raises(CryptoError):
        list(chunks)


def test_memoryview_and_bytearray_inputs_as_postgres_returns_them():
    key = memoryview(bytearray(KEY))
    blob = crypto.field_encrypt(key, memoryview(b"secret"), case_id=CASE, field="f")
    assert crypto.field_decrypt(KEY, memoryview(blob), case_id=CASE, field="f") == b"secret"
    assert crypto.key_version_of(memoryview(blob)) == 1
    sealed = crypto.seal(bytearray(KEY), b"secret", aad=memoryview(b"a"))
    assert crypto.unseal(key, memoryview(sealed), aad=b"a") == b"secret"
    private, public = crypto.keypair_new()
    wrapped = crypto.key_wrap(memoryview(public), bytearray(KEY), info=b"case:1")
    assert crypto.key_unwrap(memoryview(private), memoryview(wrapped), info=b"case:1") == KEY
    assert crypto.public_key_derive(memoryview(private)) == public
    salt = crypto.salt_new()
    assert crypto.argon2id(memoryview(b"pw"), memoryview(salt), FAST) == crypto.argon2id(
        b"pw", salt, FAST
    )
    assert crypto.mac(memoryview(KEY), memoryview(b"x")) == crypto.mac(KEY, b"x")
    assert crypto.constant_time_equal(memoryview(b"x"), bytearray(b"x"))
    with pytest.raises(TypeError):
        crypto.field_decrypt(KEY, "not bytes", case_id=CASE, field="f")
