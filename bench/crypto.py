"""Benchmark of core.crypto: Argon2id, field and file encryption, HPKE key wrapping.

    .venv/bin/python bench/crypto.py [--file-mb 100] [--repeat 3] [--output bench/out/crypto.md]
    (then copy the figures into bench/RESULTS.md)

No Django settings are needed: every Argon2id call passes its parameters explicitly. The file
benchmark writes a random file to a temporary directory (deleted afterwards) and compares
stream_encrypt with raw AESGCM.encrypt of the same bytes in the same 64 KiB chunks, in the same
run. Peak memory of the streamed file is measured twice: with tracemalloc in this process, and
as the growth of ru_maxrss in a fresh child process that does nothing else.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, bench/ would head sys.path; keep the project root first instead.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

import cryptography  # noqa: E402
from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402

from core import crypto  # noqa: E402

CHUNK = 64 * 1024
MB = 1024 * 1024
RATIO_AIM = 0.5
THAI = "ผู้แจ้งเห็นเจ้าหน้าที่รับเงินจากผู้รับเหมาโครงการถนนในตำบล "


class NullSink:
    def write(self, data: bytes) -> int:
        return len(data)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def rate(fn: Callable[[], object], seconds: float = 1.0) -> float:
    """Calls per second of fn, run repeatedly for about `seconds`."""
    fn()  # warm up
    n = 0
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(100):
            fn()
        n += 100
    return n / elapsed


# ---- measurements ---------------------------------------------------------------------------


def bench_argon2(memory_kib: int, runs: int) -> dict[str, float]:
    params = crypto.Argon2Params(memory_kib=memory_kib, iterations=3, lanes=1)
    salt = crypto.salt_new()
    crypto.argon2id(b"warm up", salt, params)
    times = [timed(lambda: crypto.argon2id(b"correct horse", salt, params)) for _ in range(runs)]
    return {"median_ms": statistics.median(times) * 1000, "min_ms": min(times) * 1000}


def bench_argon2_parallel(memory_kib: int, per_thread: int, threads: int = 2) -> float:
    """Derivations per second with `threads` threads (the default concurrency cap is 2)."""
    params = crypto.Argon2Params(memory_kib=memory_kib, iterations=3, lanes=1)
    salt = crypto.salt_new()

    def work() -> None:
        for _ in range(per_thread):
            crypto.argon2id(b"correct horse", salt, params)

    pool = [threading.Thread(target=work) for _ in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return threads * per_thread / (time.perf_counter() - start)


def thai_kib() -> str:
    text = ""
    while len((text + THAI).encode()) <= 1024:
        text += THAI
    # Pad with ASCII to exactly 1 KiB of UTF-8.
    return text + "." * (1024 - len(text.encode()))


def bench_fields() -> dict[str, float]:
    key = crypto.case_key_new()
    text = thai_kib()
    assert len(text.encode()) == 1024
    blob = crypto.text_encrypt(key, text, case_id="case-1", field="description")
    return {
        "encrypt_per_s": rate(
            lambda: crypto.text_encrypt(key, text, case_id="case-1", field="description")
        ),
        "decrypt_per_s": rate(
            lambda: crypto.text_decrypt(key, blob, case_id="case-1", field="description")
        ),
    }


def raw_aesgcm(data: bytes) -> None:
    aead = AESGCM(crypto.case_key_new())
    view = memoryview(data)
    for counter, offset in enumerate(range(0, len(data), CHUNK)):
        aead.encrypt(counter.to_bytes(12, "big"), view[offset : offset + CHUNK], None)


def bench_files(plain: Path, work: Path, repeat: int) -> dict[str, float]:
    key = crypto.case_key_new()
    size = plain.stat().st_size
    data = plain.read_bytes()
    encrypted = work / "file.enc"

    def disk_encrypt() -> None:
        with plain.open("rb") as src, encrypted.open("wb") as dst:
            crypto.stream_encrypt(key, src, dst, case_id="case-1", field="attachment:1")

    def file_encrypt() -> None:
        with plain.open("rb") as src:
            crypto.stream_encrypt(key, src, NullSink(), case_id="case-1", field="attachment:1")

    def plain_copy() -> None:
        with plain.open("rb") as src, (work / "copy.bin").open("wb") as dst:
            while block := src.read(CHUNK):
                dst.write(block)

    def memory_encrypt() -> None:
        crypto.stream_encrypt(key, io.BytesIO(data), NullSink(), case_id="c", field="a")

    def disk_decrypt() -> None:
        with encrypted.open("rb") as src:
            crypto.stream_decrypt(key, src, NullSink(), case_id="case-1", field="attachment:1")

    runs: dict[str, Callable[[], object]] = {
        "raw": lambda: raw_aesgcm(data),
        "file_enc": file_encrypt,
        "disk_enc": disk_encrypt,
        "mem_enc": memory_encrypt,
        "disk_dec": disk_decrypt,
        "copy": plain_copy,
    }
    results: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):  # interleaved, so that drift in the machine hits all alike
        for name, fn in runs.items():
            results[name].append(timed(fn))
    mbps = {name: size / MB / statistics.median(ts) for name, ts in results.items()}
    return {
        **{f"{name}_mb_s": v for name, v in mbps.items()},
        "file_ratio": mbps["file_enc"] / mbps["raw"],
        "disk_ratio": mbps["disk_enc"] / mbps["raw"],
        "mem_ratio": mbps["mem_enc"] / mbps["raw"],
        "disk_copy_ratio": mbps["disk_enc"] / mbps["copy"],
        "overhead_bytes": encrypted.stat().st_size - size,
    }


def bench_file_memory(plain: Path, work: Path) -> dict[str, float]:
    key = crypto.case_key_new()
    encrypted = work / "file-mem.enc"
    tracemalloc.start()
    with plain.open("rb") as src, encrypted.open("wb") as dst:
        crypto.stream_encrypt(key, src, dst, case_id="case-1", field="attachment:1")
    encrypt_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    with encrypted.open("rb") as src:
        crypto.stream_decrypt(key, src, NullSink(), case_id="case-1", field="attachment:1")
    decrypt_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    child = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(plain), str(work)],
        check=True,
        capture_output=True,
        text=True,
    )
    before, after = (int(x) for x in child.stdout.split())
    return {
        "tracemalloc_encrypt_kib": encrypt_peak / 1024,
        "tracemalloc_decrypt_kib": decrypt_peak / 1024,
        "child_rss_before_kib": before,
        "child_rss_growth_kib": after - before,
    }


def peak_rss_kib() -> int:
    # VmHWM belongs to this process's own address space; ru_maxrss would carry over the
    # parent's peak through fork and exec.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def memory_child(plain: Path, work: Path) -> None:
    """Stream-encrypt and decrypt the file; print the peak RSS (KiB) before and after."""
    key = crypto.case_key_new()
    encrypted = work / "file-child.enc"
    crypto.field_encrypt(key, b"warm up", case_id="c", field="f")
    before = peak_rss_kib()
    with plain.open("rb") as src, encrypted.open("wb") as dst:
        crypto.stream_encrypt(key, src, dst, case_id="case-1", field="attachment:1")
    with encrypted.open("rb") as src:
        crypto.stream_decrypt(key, src, NullSink(), case_id="case-1", field="attachment:1")
    print(before, peak_rss_kib())


def bench_hpke() -> dict[str, float]:
    private, public = crypto.keypair_new()
    case_key = crypto.case_key_new()
    wrapped = crypto.key_wrap(public, case_key, info=b"case:123")
    return {
        "wrap_per_s": rate(lambda: crypto.key_wrap(public, case_key, info=b"case:123")),
        "unwrap_per_s": rate(lambda: crypto.key_unwrap(private, wrapped, info=b"case:123")),
    }


# ---- report ---------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    flags = next(
        (
            line
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("flags")
        ),
        "",
    ).split()
    mem_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "nproc": subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip(),
        "memory": f"{mem_kib / MB:.1f} GiB",
        "cpu": cpu,
        "cpu_flags": " ".join(f for f in ("aes", "vaes", "pclmulqdq", "avx2") if f in flags),
        "python": platform.python_version(),
        "cryptography": cryptography.__version__,
        "openssl": crypto_openssl_version(),
        "kernel": platform.release(),
        "date": subprocess.run(["date"], capture_output=True, text=True).stdout.strip(),
        "load_end": loadavg(),
    }


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def crypto_openssl_version() -> str:
    from cryptography.hazmat.backends.openssl.backend import backend

    return backend.openssl_version_text()


def report(args: argparse.Namespace, m: dict[str, str], r: dict[str, dict[str, float]]) -> str:
    a64, a128, par, f, fl, mem, h = (
        r["argon2_64"],
        r["argon2_128"],
        r["argon2_parallel"],
        r["fields"],
        r["files"],
        r["memory"],
        r["hpke"],
    )

    def aim(ratio: float) -> str:
        return f">= {RATIO_AIM} of raw: " + ("met" if ratio >= RATIO_AIM else "MISSED")

    n = args.file_mb
    rows = [
        ("Argon2id 64 MiB, t=3, 1 lane (production default)",
         f"{a64['median_ms']:.0f} ms median ({a64['min_ms']:.0f} min)", ""),
        ("Argon2id 128 MiB, t=3, 1 lane",
         f"{a128['median_ms']:.0f} ms median ({a128['min_ms']:.0f} min)", ""),
        ("Argon2id 64 MiB, 2 threads in parallel", f"{par['per_s']:.1f} derivations/s", ""),
        ("field encrypt, 1 KiB Thai text", f"{f['encrypt_per_s']:,.0f} /s", ""),
        ("field decrypt, 1 KiB Thai text", f"{f['decrypt_per_s']:,.0f} /s", ""),
        ("raw AES-256-GCM, 64 KiB chunks, in memory", f"{fl['raw_mb_s']:,.0f} MiB/s", "baseline"),
        (f"stream_encrypt, {n} MiB file to sink",
         f"{fl['file_enc_mb_s']:,.0f} MiB/s = {fl['file_ratio']:.2f} of raw",
         aim(fl["file_ratio"])),
        (f"stream_encrypt, {n} MiB in memory to sink",
         f"{fl['mem_enc_mb_s']:,.0f} MiB/s = {fl['mem_ratio']:.2f} of raw", aim(fl["mem_ratio"])),
        (f"stream_encrypt, {n} MiB file to file",
         f"{fl['disk_enc_mb_s']:,.0f} MiB/s = {fl['disk_ratio']:.2f} of raw, "
         f"{fl['disk_copy_ratio']:.2f} of a plain copy", aim(fl["disk_ratio"])),
        (f"plain file copy, {n} MiB, 64 KiB blocks, no crypto",
         f"{fl['copy_mb_s']:,.0f} MiB/s", "I/O ceiling of file to file"),
        (f"stream_decrypt, {n} MiB file to sink", f"{fl['disk_dec_mb_s']:,.0f} MiB/s", ""),
        (f"ciphertext overhead, {n} MiB", f"{fl['overhead_bytes']:,.0f} bytes",
         "41 + 16 per chunk"),
        (f"peak traced memory, stream_encrypt of {n} MiB",
         f"{mem['tracemalloc_encrypt_kib']:,.0f} KiB", "O(chunk)"),
        (f"peak traced memory, stream_decrypt of {n} MiB",
         f"{mem['tracemalloc_decrypt_kib']:,.0f} KiB", "O(chunk)"),
        ("peak RSS growth of a fresh process, encrypt + decrypt",
         f"{mem['child_rss_growth_kib']:,.0f} KiB "
         f"(peak {mem['child_rss_before_kib']:,.0f} KiB before)", "O(chunk)"),
        ("HPKE wrap (32-byte key)", f"{h['wrap_per_s']:,.0f} /s", ""),
        ("HPKE unwrap", f"{h['unwrap_per_s']:,.0f} /s", ""),
    ]  # fmt: skip
    table = "\n".join(
        ["| measurement | result | aim |", "|---|---:|---|"]
        + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    )
    command = " ".join(["cd /work/main &&", ".venv/bin/python", *sys.argv])
    return f"""# core.crypto benchmark

What `core/crypto/` costs on the target kind of machine: Argon2id key derivation (staff
passwords, receipt secrets), field encryption (AES-256-GCM with associated data), streamed file
encryption (chunked AES-256-GCM, per-file HKDF key), and HPKE key wrapping
(X25519 / HKDF-SHA256 / AES-256-GCM).

## Machine and run

| | |
|---|---|
| date | {m["date"]} |
| CPU | {m["cpu"]} ({m["cpu_flags"]}) |
| nproc | {m["nproc"]} |
| memory | {m["memory"]} |
| Python | {m["python"]} |
| cryptography | {m["cryptography"]} ({m["openssl"]}) |
| kernel | {m["kernel"]} |
| load average (1, 5, 15 min) | {m["load_start"]} at the start, {m["load_end"]} at the end |
| command | `{command}` |

## Data

- Argon2id: a 13-byte password, a 16-byte random salt, 32-byte output, 3 iterations, 1 lane;
  {args.argon2_runs} timed derivations per setting after one warm-up (median and minimum).
  Parallel: 2 threads, {args.argon2_runs} derivations each.
- Fields: `text_encrypt` / `text_decrypt` of 1,024 bytes of UTF-8 Thai text (a sentence about a
  bribe, repeated, ASCII-padded to exactly 1 KiB), run for about a second each.
- Files: {args.file_mb} MiB of `os.urandom` bytes in a file on the local disk (page-cached),
  64 KiB chunks (the default). `stream_encrypt` reads that file (or the same bytes from a
  `BytesIO`) and writes to a sink that discards, or to another file on the same disk. The
  baseline is `AESGCM.encrypt` of the same bytes, already in memory, in the same 64 KiB chunks,
  without associated data; the plain copy is the same file copied in 64 KiB blocks, no crypto.
  Each measured {args.repeat} times, interleaved; the median counts.
- HPKE: wrapping a 32-byte case key with info `b"case:123"`, and unwrapping it, for about a
  second each.

## Figures

{table}

## Reading the figures

- Argon2id is the only expensive operation. Each derivation holds its memory (64 MiB) for
  its whole duration; `HOTLINE_ARGON2_MAX_CONCURRENT` (default 2) caps how many run at once
  *per process*, so a host running W web processes can use up to W x 2 x 64 MiB for it.
- Field and key-wrapping costs are negligible beside a database round trip.
- The file ratios compare a complete pipeline (reading, header, per-chunk associated data,
  writing) with bare AES-GCM on bytes already in memory. File to file, the write into the page
  cache dominates: a plain copy with no crypto at all is itself well under the raw AES-GCM
  rate, so that row is bounded by the disk, not by the encryption.
- The machine is shared (other work ran during the measurement; see the load average), so
  absolute figures are noisy; ratios come from interleaved runs in the same process.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file-mb", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--argon2-runs", type=int, default=10)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "out" / "crypto.md")
    parser.add_argument("--memory-child", nargs=2, metavar=("PLAIN", "WORKDIR"))
    args = parser.parse_args()
    if args.memory_child:
        memory_child(Path(args.memory_child[0]), Path(args.memory_child[1]))
        return

    results: dict[str, dict[str, float]] = {}
    load_start = loadavg()
    print("Argon2id ...", flush=True)
    results["argon2_64"] = bench_argon2(65536, args.argon2_runs)
    results["argon2_128"] = bench_argon2(131072, args.argon2_runs)
    results["argon2_parallel"] = {"per_s": bench_argon2_parallel(65536, args.argon2_runs)}
    print("fields ...", flush=True)
    results["fields"] = bench_fields()
    print("HPKE ...", flush=True)
    results["hpke"] = bench_hpke()
    with tempfile.TemporaryDirectory(prefix="bench-crypto-") as tmp:
        work = Path(tmp)
        plain = work / "file.bin"
        with plain.open("wb") as out:
            for _ in range(args.file_mb):
                out.write(os.urandom(MB))
        print("files ...", flush=True)
        results["files"] = bench_files(plain, work, args.repeat)
        print("memory ...", flush=True)
        results["memory"] = bench_file_memory(plain, work)

    text = report(args, {**machine(), "load_start": load_start}, results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
