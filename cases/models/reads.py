from django.conf import settings
from django.db import models


class CaseRead(models.Model):
    """How far one member of staff has read a case's thread: the newest message there when
    they last opened its page. The inbox marks a case new for them when the reporter wrote
    after that (a message or a file, which always comes with one)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_message_id = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="case_read_once_per_person")
        ]

    def __str__(self) -> str:
        return f"user {self.user_id} read case {self.case_id} up to {self.seen_message_id}"
