"""Reads for progress: who may see a project or a check-in, progress figures, the chart data."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Sum
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.core.errors import NotFoundError, PermissionDeniedError
from mentorship.mentorships.models import Mentorship
from mentorship.progress.experiments import Run, best_runs, changed_params, experiment_warnings
from mentorship.progress.models import CheckIn, CheckInFeedback, Experiment, Milestone, Project
from mentorship.progress.review import Hint, MilestoneFacts, project_hints


def _active_mentor_of(mentee_field: str, user: User) -> Exists:
    return Exists(
        Mentorship.objects.filter(
            mentee_id=OuterRef(mentee_field), mentor=user, status=Mentorship.Status.ACTIVE
        )
    )


def project_list(*, user: User) -> QuerySet[Project]:
    """A mentee's own projects (active and archived); the projects of a mentor's mentees while
    the mentorship is active: a former mentor finds none of them."""
    projects = Project.objects.prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "id")),
        "experiments",
    )
    if user.is_mentee:
        return projects.filter(mentee=user)
    if user.is_mentor:
        return projects.filter(_active_mentor_of("mentee_id", user))
    return projects.none()


def project_get(*, user: User, project_id: int, write: bool = False) -> Project:
    """A project the user may read (the reads under it: milestones, comments, progress, chart,
    experiments); with `write`, one they own (their active mentor gets a 403, anyone else a
    404)."""
    project = project_list(user=user).filter(pk=project_id).first()
    if project is None:
        raise NotFoundError("Not found.")
    if write and project.mentee_id != user.pk:
        raise PermissionDeniedError("Only the mentee who owns the project can change it.")
    return project


def milestone_get(*, project: Project, milestone_id: int) -> Milestone:
    milestone = Milestone.objects.filter(project=project, pk=milestone_id).first()
    if milestone is None:
        raise NotFoundError("Not found.")
    return milestone


def hints_for(project: Project, *, today: date | None = None) -> list[Hint]:
    return project_hints(
        texts=[project.title, project.problem_statement, project.dataset],
        milestones=[
            MilestoneFacts(m.key, m.title, m.due_date, m.status) for m in project.milestones.all()
        ],
        today=today or timezone.localdate(),
    )


@dataclass(frozen=True)
class ExperimentView:
    experiment: Experiment
    changed_params: list[str]
    warnings: list[str]


def experiment_list(*, project: Project) -> list[ExperimentView]:
    experiments = list(project.experiments.select_related("reference").order_by("created_at", "id"))
    views = []
    for experiment in experiments:
        reference = experiment.reference
        changed = changed_params(experiment.params, reference.params if reference else None)
        warnings = experiment_warnings(changed, has_reference=reference is not None)
        views.append(ExperimentView(experiment, changed, warnings))
    return views


def best_experiments(*, project: Project) -> list[Run]:
    return best_runs(
        Run(e.pk, e.name, e.metric_name, e.metric_value, e.higher_is_better)
        for e in project.experiments.all()
    )


@dataclass(frozen=True)
class Progress:
    percent: int
    done: int
    total: int
    overdue: list[Milestone]
    on_track: bool
    weeks_elapsed: int
    hours_logged: float


def _hours(mentee_id: int, since: date) -> Decimal:
    return CheckIn.objects.filter(
        mentorship__mentee_id=mentee_id,
        status=CheckIn.Status.SUBMITTED,
        week_start__gte=since - timedelta(days=6),
    ).aggregate(total=Sum("hours_spent"))["total"] or Decimal(0)


def project_progress(*, project: Project, today: date | None = None) -> Progress:
    """Computed, never typed in: milestones done, the overdue ones, weeks and hours so far."""
    today = today or timezone.localdate()
    milestones = list(project.milestones.all())
    done = sum(milestone.status == Milestone.Status.DONE for milestone in milestones)
    overdue = [
        milestone
        for milestone in milestones
        if milestone.due_date < today and milestone.status != Milestone.Status.DONE
    ]
    return Progress(
        percent=round(100 * done / len(milestones)) if milestones else 0,
        done=done,
        total=len(milestones),
        overdue=overdue,
        on_track=not overdue,
        weeks_elapsed=max((today - project.start_date).days // 7, 0),
        hours_logged=float(_hours(project.mentee_id, project.start_date)),
    )


MAX_CHART_WEEKS = 104  # two years: a project planned for six weeks fits many times over


@dataclass(frozen=True)
class ChartData:
    """Per week since the start: milestones planned and done by then, and hours logged."""

    weeks: list[date]
    planned: list[int]
    done: list[int]
    hours: list[float]


def progress_chart_data(*, project: Project, today: date | None = None) -> ChartData:
    today = today or timezone.localdate()
    milestones = list(project.milestones.all())
    last_due = max([m.due_date for m in milestones], default=project.start_date)
    end = min(max(today, last_due), project.start_date + timedelta(weeks=MAX_CHART_WEEKS))
    weeks = [
        project.start_date + timedelta(weeks=number)
        for number in range((end - project.start_date).days // 7 + 2)
    ]
    hours_by_week: dict[date, float] = {}
    for week, hours in CheckIn.objects.filter(
        mentorship__mentee_id=project.mentee_id,
        status=CheckIn.Status.SUBMITTED,
        week_start__gte=project.start_date - timedelta(days=6),
    ).values_list("week_start", "hours_spent"):
        hours_by_week[week] = hours_by_week.get(week, 0.0) + float(hours or 0)
    return ChartData(
        weeks=weeks,
        planned=[sum(m.due_date <= week for m in milestones) for week in weeks],
        done=[
            sum(
                m.status == Milestone.Status.DONE
                and m.completed_at is not None
                and m.completed_at.date() <= week
                for m in milestones
            )
            for week in weeks
        ],
        hours=[
            sum(h for day, h in hours_by_week.items() if week - timedelta(days=7) < day <= week)
            for week in weeks
        ],
    )


def checkin_list(*, user: User, status: str | None = None) -> QuerySet[CheckIn]:
    """The mentee's own check-ins (those of ended mentorships too, as history), or the check-ins
    of a mentor's active mentorships, newest first, each with its feedback history."""
    checkins = CheckIn.objects.select_related(
        "mentorship__mentee", "mentorship__mentor"
    ).prefetch_related(
        Prefetch(
            "feedback_entries",
            queryset=CheckInFeedback.objects.select_related("author").order_by("created_at", "id"),
        )
    )
    if user.is_mentee:
        checkins = checkins.filter(mentorship__mentee=user)
    elif user.is_mentor:
        checkins = checkins.filter(
            mentorship__mentor=user, mentorship__status=Mentorship.Status.ACTIVE
        )
    else:
        return checkins.none()
    return checkins.filter(status=status) if status else checkins


def checkin_get(*, user: User, checkin_id: int) -> CheckIn:
    """One check-in of `checkin_list` (the same rule), or a 404."""
    checkin = checkin_list(user=user).filter(pk=checkin_id).first()
    if checkin is None:
        raise NotFoundError("Not found.")
    return checkin
