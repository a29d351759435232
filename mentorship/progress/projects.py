"""Writes for projects: a project from the role's template, its milestones, comments and
experiments. Only the owner writes; comments come from the owner or their active mentor."""

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from mentorship.accounts.models import User
from mentorship.core.errors import ConflictError, ValidationError
from mentorship.mentorships.models import Mentorship
from mentorship.notifications.models import Category
from mentorship.notifications.services import notification_queue
from mentorship.profiles.models import MenteeProfile
from mentorship.progress.models import Experiment, Milestone, Project, ProjectComment
from mentorship.taxonomy.models import MilestoneTemplate

MAX_PROJECTS = 10
MAX_EXPERIMENTS = 500
# Comments are listed unpaginated and each one emails the other side: both stay bounded.
MAX_COMMENTS = 500
MAX_MILESTONES = 30
# A project is planned for weeks, not decades: dates outside these windows are input mistakes.
# A project is planned for weeks, not decades: dates outside these windows are input mistakes.
START_WINDOW = (timedelta(days=2 * 365), timedelta(days=365))  # before / after today
DUE_WINDOW = timedelta(days=2 * 365)  # after the start


def _check_start_date(start_date: date) -> None:
    today = timezone.localdate()
    earliest, latest = today - START_WINDOW[0], today + START_WINDOW[1]
    if not earliest <= start_date <= latest:
        raise ValidationError(
            "Invalid input.",
            fields={"start_date": f"Pick a date between {earliest} and {latest}."},
        )


def _check_due_date(due_date: date, project: Project) -> None:
    latest = project.start_date + DUE_WINDOW
    if not project.start_date - timedelta(days=7) <= due_date <= latest:
        raise ValidationError(
            "Invalid input.",
            fields={"due_date": f"Pick a date between the start and {latest}."},
        )


@transaction.atomic
def project_create(
    *, mentee: User, title: str, problem_statement: str, dataset: str, start_date: date | None
) -> Project:
    """A project with the milestones of the mentee's target role's template.

    Precondition: `mentee` is a mentee. Without a mentee profile there is no target role, so no
    template: a `ConflictError`.
    """
    profile = MenteeProfile.objects.filter(user=mentee).select_related("target_role").first()
    if profile is None:
        raise ConflictError(
            "Create your mentee profile first: milestones follow your target role.",
            code="no_profile",
        )
    if Project.objects.filter(mentee=mentee).count() >= MAX_PROJECTS:
        raise ConflictError(f"You can keep at most {MAX_PROJECTS} projects.", code="limit_reached")
    start_date = start_date or timezone.localdate()
    _check_start_date(start_date)
    project = Project.objects.create(
        mentee=mentee,
        title=title,
        problem_statement=problem_statement,
        dataset=dataset,
        start_date=start_date,
    )
    Milestone.objects.bulk_create(
        Milestone(
            project=project,
            key=template.key,
            title=template.title,
            description=template.description,
            due_date=start_date + timedelta(days=template.due_offset_days),
        )
        for template in MilestoneTemplate.objects.filter(role=profile.target_role)
    )
    return project


@transaction.atomic
def project_update(*, project: Project, data: dict[str, Any]) -> Project:
    """Change the project's text or start date; a new start date moves every due date with it."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if "start_date" in data:
        _check_start_date(data["start_date"])
    if "start_date" in data and data["start_date"] != project.start_date:
        shift = data["start_date"] - project.start_date
        Milestone.objects.filter(project=project).update(due_date=F("due_date") + shift)
    for name in ("title", "problem_statement", "dataset", "start_date"):
        if name in data:
            setattr(project, name, data[name])
    project.save()
    return project


def milestone_set_status(milestone: Milestone, status: str, now: datetime) -> None:
    """Move a milestone (not saved): the status, when it changed, and when it was done."""
    if status == milestone.status:
        return
    milestone.status = status
    milestone.status_changed_at = now
    milestone.completed_at = now if status == Milestone.Status.DONE else None


@transaction.atomic
def milestone_update(*, milestone: Milestone, data: dict[str, Any]) -> Milestone:
    """Move a milestone (todo, in_progress, done) and attach evidence or notes."""
    milestone = Milestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)
    if "due_date" in data:
        _check_due_date(data["due_date"], milestone.project)
    if "status" in data:
        milestone_set_status(milestone, data["status"], timezone.now())
    for name in ("evidence_url", "notes", "title", "description", "due_date"):
        if name in data:
            setattr(milestone, name, data[name])
    milestone.save()
    Project.objects.filter(pk=milestone.project_id).update(updated_at=timezone.now())
    return milestone


@transaction.atomic
def milestone_add(*, project: Project, title: str, description: str, due_date: date) -> Milestone:
    _check_due_date(due_date, project)
    if Milestone.objects.filter(project=project).count() >= MAX_MILESTONES:
        raise ConflictError(
            f"A project has at most {MAX_MILESTONES} milestones.", code="limit_reached"
        )
    base = slugify(title)[:30].strip("-") or "milestone"
    key, number = base, 1
    while Milestone.objects.filter(project=project, key=key).exists():
        number += 1
        key = f"{base}-{number}"
    return Milestone.objects.create(
        project=project, key=key, title=title, description=description, due_date=due_date
    )


def milestone_delete(*, milestone: Milestone) -> None:
    milestone.delete()


@transaction.atomic
def comment_add(*, project: Project, author: User, body: str) -> ProjectComment:
    """A comment by the owner or their active mentor; the other side is emailed.

    Refused (409) once the project holds `MAX_COMMENTS`.
    """
    if ProjectComment.objects.filter(project=project).count() >= MAX_COMMENTS:
        raise ConflictError(
            f"A project keeps at most {MAX_COMMENTS} comments.", code="limit_reached"
        )
    comment = ProjectComment.objects.create(project=project, author=author, body=body)
    if author.pk == project.mentee_id:
        recipients = [
            mentorship.mentor
            for mentorship in Mentorship.objects.filter(
                mentee_id=project.mentee_id, status=Mentorship.Status.ACTIVE
            ).select_related("mentor")
        ]
    else:
        recipients = [project.mentee]
    for recipient in recipients:
        notification_queue(
            key=f"project-comment:{comment.pk}:{recipient.pk}",
            recipient=recipient,
            category=Category.COMMENTS_AND_FEEDBACK,
            subject=f"{author.name or 'Someone'} commented on {project.title}",
            body=body,
        )
    return comment


@transaction.atomic
def experiment_create(
    *,
    project: Project,
    name: str,
    params: dict[str, Any],
    metric: dict[str, Any],
    reference_id: int | None,
) -> Experiment:
    """Record a run; its reference, when given, must be a run of the same project."""
    reference = None
    if reference_id is not None:
        reference = Experiment.objects.filter(pk=reference_id, project=project).first()
        if reference is None:
            raise ValidationError(
                "Unknown reference.",
                fields={"reference": "Name an experiment of this project."},
            )
    if Experiment.objects.filter(project=project).count() >= MAX_EXPERIMENTS:
        raise ConflictError(
            f"A project keeps at most {MAX_EXPERIMENTS} experiments.", code="limit_reached"
        )
    return Experiment.objects.create(
        project=project,
        name=name,
        params=params,
        metric_name=metric["name"],
        metric_value=metric["value"],
        higher_is_better=metric["higher_is_better"],
        reference=reference,
    )
