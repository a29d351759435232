"""The admin's programme health page (`/admin/programme-health/`, staff only): the report of
`GET /api/v1/admin/stats` with its charts, for a window picked on the page."""

import base64

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from mentorship.core.errors import ValidationError
from mentorship.stats import charts, export, selectors


class WindowForm(forms.Form):
    start = forms.DateField(required=False, label="From", widget=forms.DateInput({"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput({"type": "date"}))


def _image(svg: bytes) -> str:
    """An SVG as a data URI for an <img>: the chart's text is never read as markup."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def programme_health_view(request: HttpRequest) -> HttpResponse:
    form = WindowForm(request.GET or None)
    context = {**admin.site.each_context(request), "title": "Programme health", "form": form}
    if form.is_bound and not form.is_valid():
        return TemplateResponse(request, "admin/stats/programme_health.html", context)
    data = form.cleaned_data if form.is_bound else {}
    try:
        window = selectors.stats_window(start=data.get("start"), end=data.get("end"))
    except ValidationError as error:
        names = {"from": "start", "to": "end"}
        for field, messages in error.fields.items():
            for message in messages:
                form.add_error(names[field], f"{error.message} {message}")
        return TemplateResponse(request, "admin/stats/programme_health.html", context)
    health = selectors.programme_health(window=window)
    if request.GET.get("format") == "csv":
        start, end = window.start.isoformat(), window.end.isoformat()
        response = HttpResponse(
            export.report_csv(health.report), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="programme-health-{start}-{end}.csv"'
        )
        return response
    overall = health.report["overall"]
    context.update(
        report=health.report,
        overall=overall,
        charts=[
            _image(charts.funnel_svg(overall["funnel"])),
            _image(charts.step_days_svg(overall["days_between_steps"])),
            _image(
                charts.distribution_svg(
                    health.days_to_hire,
                    title="Time to hire from sign-up (mentees hired in the window)",
                    unit="days",
                )
            ),
            _image(
                charts.distribution_svg(
                    health.response_hours,
                    title="Mentor response time (requests answered in the window)",
                    unit="hours",
                )
            ),
        ],
    )
    return TemplateResponse(request, "admin/stats/programme_health.html", context)
