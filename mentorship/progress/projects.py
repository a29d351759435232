"""Writes for projects: a project from the role's template, its milestones, comments and
experiments. Only the owner writes; comments come from the owner or their active mentor.

A mentee has one active project at a time; the others are archived and read-only (every write
below refuses an archived project with a 409 `project_archived`). The owner archives a project,
restores an archived one while no other is active, or deletes one with everything it holds.
"""

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from mentorship.accounts.models import User
from mentorship.core.errors import ConflictError, NotFoundError, ValidationError
from mentorship.mentorships.selectors import other_side
from mentorship.notifications.models import Category
from mentorship.notifications.services import notification_queue
from mentorship.profiles.models import MenteeProfile
from mentorship.progress.models import CheckIn, Experiment, Milestone, Project, ProjectComment
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


def _check_not_archived(project: Project) -> None:
    if project.archived_at is not None:
        raise ConflictError(
            "This project is archived: restore it to change it.", code="project_archived"
        )


def _lock_project(project_id: int) -> Project:
    """The project's row lock; gone meanwhile (deleted by a concurrent request): a 404."""
    project = Project.objects.select_for_update().filter(pk=project_id).first()
    if project is None:
        raise NotFoundError("Not found.")
    return project


def _lock_mentee(mentee_id: int) -> None:
    """Serialises the writes that decide which of a mentee's projects is the active one."""
    User.objects.select_for_update(no_key=True).filter(pk=mentee_id).values_list("pk").first()


def _check_no_active_project(mentee_id: int, *, apart_from: int | None = None) -> None:
    active = Project.objects.filter(mentee_id=mentee_id, archived_at__isnull=True)
    if apart_from is not None:
        active = active.exclude(pk=apart_from)
    current = active.values_list("pk", flat=True).first()
    if current is not None:
        raise ConflictError(
            f"You already have an active project ({current}): archive it first.",
            code="active_project_exists",
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
    template: a `ConflictError`. While another project is active: a `ConflictError`
    (`active_project_exists`). Takes the mentee's user row lock first.
    """
    _lock_mentee(mentee.pk)
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
    _check_no_active_project(mentee.pk)
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
    project = _lock_project(project.pk)
    _check_not_archived(project)
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


@transaction.atomic
def project_archive(*, project: Project) -> Project:
    """The owner puts a project away (idempotent): it stays readable, and nothing changes it
    until it is restored. Precondition: the caller owns it."""
    project = _lock_project(project.pk)
    if project.archived_at is None:
        project.archived_at = timezone.now()
        project.save(update_fields=["archived_at", "updated_at"])
    return project


@transaction.atomic
def project_restore(*, project: Project) -> Project:
    """The owner makes an archived project the active one again (idempotent); refused (409
    `active_project_exists`) while another project is active. Takes the mentee's user row lock
    first, then the project's."""
    _lock_mentee(project.mentee_id)
    project = _lock_project(project.pk)
    if project.archived_at is not None:
        _check_no_active_project(project.mentee_id, apart_from=project.pk)
        project.archived_at = None
        project.save(update_fields=["archived_at", "updated_at"])
    return project


def _checkins_forget_milestones(*, mentee_id: int, milestone_ids: set[int]) -> None:
    """Drop the `milestone_updates` entries of the mentee's check-ins that name these
    milestones (about to be deleted). A mentee has a check-in a week: a few hundred at most."""
    touched = []
    for checkin in CheckIn.objects.select_for_update().filter(mentorship__mentee_id=mentee_id):
        updates = checkin.milestone_updates or []
        kept = [entry for entry in updates if entry.get("milestone") not in milestone_ids]
        if len(kept) != len(updates):
            checkin.milestone_updates = kept
            touched.append(checkin)
    CheckIn.objects.bulk_update(touched, ["milestone_updates"], batch_size=500)


@transaction.atomic
def project_delete(*, project: Project) -> None:
    """The owner deletes a project, active or archived, with its milestones, experiments and
    comments, in one transaction.

    The weekly check-ins stay: they belong to the mentorship (summary, hours, the mentor's
    feedback), but their `milestone_updates` entries that name the deleted milestones are
    removed with it, so no check-in points at a milestone that no longer exists. Lock order:
    the project, then the mentee's check-ins (as a submit takes them), then the milestones.
    """
    project = _lock_project(project.pk)
    _checkins_forget_milestones(
        mentee_id=project.mentee_id,
        milestone_ids=set(Milestone.objects.filter(project=project).values_list("pk", flat=True)),
    )
    project.delete()


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
    locked = (
        Milestone.objects.select_for_update().select_related("project").filter(pk=milestone.pk)
    ).first()
    if locked is None:
        raise NotFoundError("Not found.")
    milestone = locked
    _check_not_archived(milestone.project)
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
    _check_not_archived(project)
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


@transaction.atomic
def milestone_delete(*, milestone: Milestone) -> None:
    """Delete a milestone; the check-ins that moved it forget it (as for a deleted project)."""
    _check_not_archived(milestone.project)
    _checkins_forget_milestones(mentee_id=milestone.project.mentee_id, milestone_ids={milestone.pk})
    milestone.delete()


@transaction.atomic
def comment_add(*, project: Project, author: User, body: str) -> ProjectComment:
    """A comment by the owner or their active mentor; the other side is emailed.

    Refused (409) once the project holds `MAX_COMMENTS`, or when it is archived.
    """
    _check_not_archived(project)
    if ProjectComment.objects.filter(project=project).count() >= MAX_COMMENTS:
        raise ConflictError(
            f"A project keeps at most {MAX_COMMENTS} comments.", code="limit_reached"
        )
    comment = ProjectComment.objects.create(project=project, author=author, body=body)
    for recipient in other_side(mentee=project.mentee, author=author):
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
    _check_not_archived(project)
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
