"""Case.ended_at and reopened_at; ended_at filled in for the cases that have already ended.

Closed cases and answered questions carry their own stamps. A rejected or referred case has
none: it ended at the workflow's last transition into that state, which the audit log holds;
without such an event (only possible for data loaded by hand) its last feedback, or receipt,
is the best there is. Pre-computed indicator years are dropped, to be rebuilt overnight.
"""

from django.db import migrations, models
from django.db.models import F, Q

ENDED = ("rejected", "referred", "answered", "closed")


def ended_at_fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Event = apps.get_model("audit", "Event")
    Case.objects.filter(state="closed", kind="question", answered_at__isnull=False).update(
        ended_at=F("answered_at")
    )
    Case.objects.filter(state="closed", ended_at__isnull=True).update(ended_at=F("closed_at"))
    Case.objects.filter(state="answered").update(ended_at=F("answered_at"))
    decided = Case.objects.filter(state__in=("rejected", "referred"))
    for pk, state, feedback_at, created in decided.values_list(
        "pk", "state", "feedback_at", "created"
    ).iterator():
        moved = (
            Event.objects.filter(
                action="case.transition",
                object_type="cases.case",
                object_id=str(pk),
                details__to=state,
            )
            .order_by("-seq")
            .values_list("created", flat=True)
            .first()
        )
        Case.objects.filter(pk=pk).update(ended_at=moved or feedback_at or created)
    # Anything ended still unstamped (a closed case without closed_at, loaded by hand).
    Case.objects.filter(Q(state__in=ENDED), ended_at__isnull=True).update(ended_at=F("created"))
    # The indicators' rollup counted open cases the old way: forget which years are built, so
    # figures come from the cases until the nightly rebuild makes the rollup again.
    apps.get_model("audit", "RollupYear").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0010_rollup_subtree_sums"),
        ("cases", "0009_inbox_order_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="ended_at",
            field=models.DateTimeField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            model_name="case",
            name="reopened_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(ended_at_fill, migrations.RunPython.noop),
    ]
