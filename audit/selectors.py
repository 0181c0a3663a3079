"""Reads of the audit log: chain verification."""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.translation import gettext, gettext_noop

from audit.lib.chain import GENESIS, ChainRow, chain_hash
from audit.lib.checkpoints import checkpoint_verify
from audit.models import Checkpoint, Event
from core.keyring import keyring

_FIELDS = (
    "seq",
    "created",
    "actor_id",
    "action",
    "organisation_id",
    "object_type",
    "object_id",
    "details",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    head: str
    bad_seq: int | None = None
    problem_template: str = ""  # in English, marked for translation
    problem_params: Mapping[str, object] = field(default_factory=dict)
    # The newest signed checkpoint the chain was held against; None when none has been signed,
    # so events removed from the end of the chain could not have been noticed.
    checkpoint_seq: int | None = None

    @property
    def problem(self) -> str:
        """What is wrong, in English: for the command line and logs."""
        return self.problem_template % self.problem_params if self.problem_template else ""

    @property
    def problem_text(self) -> str:
        """What is wrong, in the active language: for the log page."""
        if not self.problem_template:
            return ""
        return gettext(self.problem_template) % self.problem_params


def _rows(chunk_size: int) -> Iterator[ChainRow]:
    for values in Event.objects.order_by("seq").values_list(*_FIELDS).iterator(chunk_size):
        yield ChainRow(*values)


def rows_verify(rows: Iterable[ChainRow]) -> ChainReport:
    """Walk the chain from the start; the first broken link is named."""
    expected_seq, head, count = 1, GENESIS, 0
    for row in rows:
        if row.seq != expected_seq:
            return ChainReport(
                False,
                count,
                head,
                expected_seq,
                gettext_noop("event #%(seq)s is missing (next found is #%(next)s)"),
                {"seq": expected_seq, "next": row.seq},
            )
        if row.prev_hash != head:
            problem = gettext_noop("event #%(seq)s does not link to its predecessor")
            return ChainReport(False, count, head, row.seq, problem, {"seq": row.seq})
        if chain_hash(row) != row.hash:
            problem = gettext_noop("event #%(seq)s was altered after it was written")
            return ChainReport(False, count, head, row.seq, problem, {"seq": row.seq})
        head, count, expected_seq = row.hash, count + 1, expected_seq + 1
    return ChainReport(True, count, head)


def checkpoint_check(report: ChainReport, checkpoint: dict[str, Any]) -> ChainReport:
    """Hold a verified chain against a signed checkpoint, which sees removed tail events."""
    # Retired keys' public halves count too: they vouch for what they signed (core.keyring).
    public_hex = keyring().signing_public_hex(str(checkpoint.get("key_id")))
    if public_hex is None or not checkpoint_verify(checkpoint, public_hex):
        return ChainReport(
            False, report.count, report.head, None, gettext_noop("checkpoint signature is invalid")
        )
    seq, head = int(checkpoint["seq"]), str(checkpoint["head"])
    if report.count < seq:
        return ChainReport(
            False,
            report.count,
            report.head,
            report.count + 1,
            gettext_noop(
                "the chain ends at #%(count)s but a checkpoint saw #%(seq)s: events were removed"
            ),
            {"count": report.count, "seq": seq},
        )
    if seq == 0:
        return report
    at_seq = Event.objects.filter(seq=seq).values_list("hash", flat=True).first()
    if at_seq != head:
        return ChainReport(
            False,
            report.count,
            report.head,
            seq,
            gettext_noop("event #%(seq)s differs from the one the checkpoint signed"),
            {"seq": seq},
        )
    return report


def chain_verify(
    *, extra_checkpoints: Iterable[dict[str, Any]] = (), chunk_size: int = 5000
) -> ChainReport:
    report = rows_verify(_rows(chunk_size))
    if not report.ok:
        return report
    checkpoints = list(extra_checkpoints)
    newest = Checkpoint.objects.order_by("-seq", "-created").first()
    if newest is not None:
        checkpoints.append(newest.as_dict())
    for checkpoint in checkpoints:
        report = checkpoint_check(report, checkpoint)
        if not report.ok:
            return report
    return replace(report, checkpoint_seq=newest.seq) if newest is not None else report
