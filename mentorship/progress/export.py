"""The export's sections held by progress (`accounts.events.account_exporting`): the person's
projects with milestones, experiments and comments, the check-ins of their mentorships with the
whole feedback history on them (who wrote each answer, and when; a mentor gets those of their
active mentorships, and every feedback they wrote in `feedback_written`), and their follow-up
reminders."""

from typing import Any

from django.db.models import Prefetch, Q

from mentorship.accounts.models import User
from mentorship.mentorships.models import Mentorship
from mentorship.progress.models import (
    CheckIn,
    CheckInFeedback,
    FollowUpReminder,
    Project,
    ProjectComment,
)


def progress_export(*, user: User) -> dict[str, Any]:
    projects = Project.objects.filter(mentee=user).prefetch_related(
        "milestones", "experiments", "comments"
    )
    checkins = (
        # A mentor's: those of their active mentorships only (what they may read now); what
        # they wrote on the others is in `feedback_written`.
        CheckIn.objects.filter(
            Q(mentorship__mentee=user)
            | Q(mentorship__mentor=user, mentorship__status=Mentorship.Status.ACTIVE)
        )
        .prefetch_related(
            Prefetch(
                "feedback_entries", queryset=CheckInFeedback.objects.order_by("created_at", "id")
            )
        )
        .order_by("week_start", "pk")
    )
    return {
        "projects": [
            {
                "id": project.pk,
                "title": project.title,
                "problem_statement": project.problem_statement,
                "dataset": project.dataset,
                "start_date": project.start_date,
                "archived_at": project.archived_at,
                "created_at": project.created_at,
                "milestones": [
                    {
                        "id": milestone.pk,
                        "key": milestone.key,
                        "title": milestone.title,
                        "description": milestone.description,
                        "due_date": milestone.due_date,
                        "status": milestone.status,
                        "evidence_url": milestone.evidence_url,
                        "notes": milestone.notes,
                        "completed_at": milestone.completed_at,
                    }
                    for milestone in project.milestones.all()
                ],
                "experiments": [
                    {
                        "id": experiment.pk,
                        "name": experiment.name,
                        "params": experiment.params,
                        "metric": {
                            "name": experiment.metric_name,
                            "value": experiment.metric_value,
                            "higher_is_better": experiment.higher_is_better,
                        },
                        "reference": experiment.reference_id,
                        "created_at": experiment.created_at,
                    }
                    for experiment in project.experiments.all()
                ],
                "comments": [_comment(comment) for comment in project.comments.all()],
            }
            for project in projects
        ],
        "comments_written": [
            _comment(comment)
            for comment in ProjectComment.objects.filter(author=user).exclude(project__mentee=user)
        ],
        "checkins": [
            {
                "id": checkin.pk,
                "mentorship": checkin.mentorship_id,
                "week_start": checkin.week_start,
                "status": checkin.status,
                "summary": checkin.summary,
                "blockers": checkin.blockers,
                "next_steps": checkin.next_steps,
                "hours_spent": None if checkin.hours_spent is None else str(checkin.hours_spent),
                "milestone_updates": checkin.milestone_updates,
                "rejection_from": checkin.rejection_from,
                "feedback_history": [
                    {
                        "id": entry.pk,
                        "author": entry.author_id,
                        "comment": entry.comment,
                        "created_at": entry.created_at,
                    }
                    for entry in checkin.feedback_entries.all()
                ],
                "submitted_at": checkin.submitted_at,
            }
            for checkin in checkins
        ],
        "feedback_written": [
            {
                "id": entry.pk,
                "checkin": entry.checkin_id,
                "comment": entry.comment,
                "created_at": entry.created_at,
            }
            for entry in CheckInFeedback.objects.filter(author=user).order_by("created_at", "pk")
        ],
        "follow_ups": [
            {"kind": reminder.kind, "note": reminder.note, "due_at": reminder.due_at}
            for reminder in FollowUpReminder.objects.filter(user=user)
        ],
    }


def _comment(comment: ProjectComment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "project": comment.project_id,
        "author": comment.author_id,
        "body": comment.body,
        "created_at": comment.created_at,
    }
