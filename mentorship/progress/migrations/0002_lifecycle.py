"""One active project per mentee (the others archived), and check-in feedback kept as history.

Before the constraint, every mentee's projects but the newest are archived. Each check-in's
single `feedback` becomes the first row of its history, written by the mentorship's mentor at
`feedback_at` (or, where that is missing, when the check-in was submitted or opened).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def archive_all_but_newest(apps, schema_editor):
    Project = apps.get_model("progress", "Project")
    kept: set[int] = set()
    stale = []
    for project in Project.objects.order_by("mentee_id", "-created_at", "-id").only(
        "pk", "mentee_id", "created_at", "updated_at"
    ):
        if project.mentee_id in kept:
            stale.append(project.pk)
        else:
            kept.add(project.mentee_id)
    for start in range(0, len(stale), 500):
        Project.objects.filter(pk__in=stale[start : start + 500]).update(
            archived_at=django.utils.timezone.now()
        )


def feedback_to_history(apps, schema_editor):
    CheckIn = apps.get_model("progress", "CheckIn")
    CheckInFeedback = apps.get_model("progress", "CheckInFeedback")
    rows = (
        CheckIn.objects.exclude(feedback="")
        .select_related("mentorship")
        .only("pk", "feedback", "feedback_at", "submitted_at", "opened_at", "mentorship__mentor_id")
        .order_by("pk")
    )
    batch = []
    for checkin in rows.iterator(chunk_size=1000):
        batch.append(
            CheckInFeedback(
                checkin_id=checkin.pk,
                author_id=checkin.mentorship.mentor_id,
                comment=checkin.feedback,
                created_at=checkin.feedback_at or checkin.submitted_at or checkin.opened_at,
            )
        )
        if len(batch) >= 1000:
            CheckInFeedback.objects.bulk_create(batch)
            batch = []
    CheckInFeedback.objects.bulk_create(batch)


def history_to_feedback(apps, schema_editor):
    """Backwards: the latest feedback of each check-in becomes its single feedback again."""
    CheckIn = apps.get_model("progress", "CheckIn")
    CheckInFeedback = apps.get_model("progress", "CheckInFeedback")
    for entry in CheckInFeedback.objects.order_by("checkin_id", "created_at", "id").iterator():
        CheckIn.objects.filter(pk=entry.checkin_id).update(
            feedback=entry.comment, feedback_at=entry.created_at
        )


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="archived_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(archive_all_but_newest, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="project",
            constraint=models.UniqueConstraint(
                condition=models.Q(("archived_at__isnull", True)),
                fields=("mentee",),
                name="one_active_project_per_mentee",
            ),
        ),
        migrations.CreateModel(
            name="CheckInFeedback",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("comment", models.TextField(max_length=5000)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "author",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="checkin_feedback",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "checkin",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="feedback_entries",
                        to="progress.checkin",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "check-in feedback",
                "ordering": ["created_at", "id"],
            },
        ),
        migrations.RunPython(feedback_to_history, history_to_feedback),
        migrations.RemoveField(model_name="checkin", name="feedback"),
        migrations.RemoveField(model_name="checkin", name="feedback_at"),
    ]
