from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    LOGIN_SUCCEEDED = "auth.login", _("Password accepted")
    LOGIN_FAILED = "auth.login_failed", _("Sign-in failed")
    LOGIN_THROTTLED = "auth.login_throttled", _("Sign-in refused: too many failures")
    LOGOUT = "auth.logout", _("Signed out")
    SESSION_EXPIRED = "auth.session_expired", _("Session expired")
    OTP_VERIFIED = "auth.otp_verified", _("Two-factor code accepted")
    OTP_FAILED = "auth.otp_failed", _("Two-factor code refused")
    BACKUP_CODE_USED = "auth.backup_code_used", _("Backup code used")
    OTP_ENROLLED = "auth.otp_enrolled", _("Two-factor authentication set up")
    BACKUP_CODES_ISSUED = "auth.backup_codes_issued", _("New backup codes issued")
    ADMIN_ADDED = "admin.added", _("Administration: record added")
    ADMIN_CHANGED = "admin.changed", _("Administration: record changed")
    ADMIN_DELETED = "admin.deleted", _("Administration: record deleted")
    PASSWORD_CHANGED = "auth.password_changed", _("Password changed")
    STAFF_KEY_CREATED = "keys.staff_created", _("Staff key pair created")
    STAFF_KEY_REPLACED = "keys.staff_replaced", _("Staff key pair replaced after a reset")
    STAFF_KEY_ENDORSED = "keys.staff_endorsed", _("Staff key pair endorsed")
    RECOVERY_KIT_CREATED = "keys.recovery_kit_created", _("Recovery kit created")
    RECOVERY_GRANTED = "keys.recovery_granted", _("Case keys granted from a recovery kit")
    CASE_CREATED = "case.created", _("Case received")
    CASE_READ = "case.read", _("Case content read")
    CASE_TRANSITION = "case.transition", _("Case moved to another state")
    CASE_PURGED = "case.purged", _("Closed case purged")
    LEGAL_HOLD_PLACED = "case.legal_hold_placed", _("Legal hold placed on a case")
    LEGAL_HOLD_LIFTED = "case.legal_hold_lifted", _("Legal hold lifted from a case")
    INBOX_READ = "case.inbox_read", _("Case titles shown in the inbox")
    REMINDER_SENT = "case.reminder", _("Deadline reminder sent")
    ESCALATED = "case.escalated", _("Missed deadline escalated")
    CASE_FILED_BY_STAFF = "case.filed_by_staff", _("Case filed on behalf of a caller")
    CASE_ASSIGNED = "case.assigned", _("Case assigned")
    CASE_DECLINED = "case.declined", _("Case declined by a counselor")
    CONFLICT_DECLARED = "case.no_conflict_declared", _("No conflict of interest declared")
    MESSAGE_ADDED = "case.message_added", _("Message added")
    ATTACHMENT_ADDED = "case.attachment_added", _("Attachment added")
    ATTACHMENT_DOWNLOADED = "case.attachment_downloaded", _("Attachment downloaded")
    IDENTITY_DISCLOSED = "identity.disclosed", _("Reporter disclosed their identity")
    IDENTITY_REQUESTED = "identity.requested", _("Access to a reporter's identity requested")
    IDENTITY_APPROVED = "identity.approved", _("Access to a reporter's identity approved")
    IDENTITY_DENIED = "identity.denied", _("Access to a reporter's identity denied")
    IDENTITY_READ = "identity.read", _("Reporter's identity read")
    RETALIATION_REPORTED = "case.retaliation_reported", _("Retaliation reported")
    RATING_GIVEN = "case.rated", _("Reporter rated the service")
    FAQ_DRAFTED = "faq.drafted", _("FAQ entry drafted")
    FAQ_PUBLISHED = "faq.published", _("FAQ entry published")
    FAQ_WITHDRAWN = "faq.withdrawn", _("FAQ entry withdrawn")
    INDICATORS_EXPORTED = "indicators.exported", _("Indicators exported")
    AUDIT_LOG_EXPORTED = "audit.exported", _("Audit log exported")
    AUDIT_LOG_VIEWED = "audit.viewed", _("Audit log viewed")
    REGISTER_IMPORTED = "indicators.register_imported", _("Historical register imported")
    CHECKPOINT_SIGNED = "audit.checkpoint", _("Audit checkpoint signed")
    DEMO_SEEDED = "system.demo_seeded", _("Demo data loaded")


class Event(models.Model):
    """One entry of the append-only, hash-chained audit log.

    `seq` is the position in the chain (1, 2, 3 … with no gaps); `hash` is
    SHA-256(prev_hash ‖ canonical encoding of this event). Database triggers reject
    UPDATE and DELETE; see audit.lib.chain for the encoding and audit.services for appends.
    """

    seq = models.BigIntegerField(primary_key=True)
    created = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # No `choices`: new actions must not need a migration of this append-only table.
    action = models.CharField(max_length=64)
    organisation = models.ForeignKey(
        "core.Organisation", null=True, on_delete=models.PROTECT, related_name="+"
    )
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["organisation", "created"], name="audit_event_org_created"),
            models.Index(fields=["actor", "created"], name="audit_event_actor_created"),
            models.Index(fields=["action", "created"], name="audit_event_action_created"),
            models.Index(fields=["created"], name="audit_event_created"),
            # A case's history on its page.
            models.Index(fields=["object_type", "object_id"], name="audit_event_object"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    @property
    def action_label(self) -> str:
        try:
            return str(Action(self.action).label)
        except ValueError:
            return self.action


class Checkpoint(models.Model):
    """A signed statement "the chain had `seq` events and ended in `head_hash`".

    Exported copies let an auditor notice when newest events were removed, which a
    hash chain alone cannot show.
    """

    seq = models.BigIntegerField()
    head_hash = models.CharField(max_length=64)
    created = models.DateTimeField()
    key_id = models.CharField(max_length=32)
    signature = models.CharField(max_length=128)

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["-seq", "-created"]
        get_latest_by = "seq"

    def __str__(self) -> str:
        return f"checkpoint at #{self.seq}"

    def as_dict(self) -> dict[str, object]:
        from audit.lib.checkpoints import checkpoint_dict

        return checkpoint_dict(
            seq=self.seq,
            head=self.head_hash,
            created=self.created,
            key_id=self.key_id,
            signature=self.signature,
        )


__all__ = ["Action", "Checkpoint", "Event"]
