"""The admin's programme health page: staff only, the report's figures and its four charts."""

import base64
import re

import pytest

from tests.factories import MenteeFactory, StaffFactory
from tests.stats.pool import WINDOW, make_pool

pytestmark = pytest.mark.django_db

URL = "/admin/programme-health/"


def test_staff_see_the_figures_and_the_charts(client):
    make_pool()
    client.force_login(StaffFactory())

    response = client.get(URL, {"start": WINDOW[0], "end": WINDOW[1]})

    assert response.status_code == 200
    page = response.content.decode()
    assert "1 Nov 2026 to 30 Nov 2026" in page
    assert "<strong>4</strong>signed up" in page
    assert "<strong>32.5</strong>median days to hire (p90 42.5)" in page
    assert "<strong>12.0</strong>median hours for a mentor to answer" in page
    assert "<strong>25%</strong>requests expired" in page
    assert "<strong>40%</strong>check-ins submitted" in page
    assert "<td>Data analyst</td>" in page
    assert "<td>No mentee profile</td>" in page
    images = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert len(images) == 4
    funnel = base64.b64decode(images[0]).decode()
    assert funnel.startswith("<?xml")
    assert "profile complete" in funnel


def test_a_bad_window_is_shown_on_the_form(client):
    client.force_login(StaffFactory())

    response = client.get(URL, {"start": "2026-11-30", "end": "2026-11-01"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "The window starts after it ends." in page
    assert "<img" not in page


def test_someone_not_staff_is_sent_to_the_admin_login(client):
    client.force_login(MenteeFactory())

    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_admin_index_links_to_it(client):
    client.force_login(StaffFactory())

    page = client.get("/admin/").content.decode()

    assert f'<a href="{URL}"><strong>Programme health</strong></a>' in page


def test_the_page_offers_the_report_as_csv(client):
    make_pool()
    client.force_login(StaffFactory())

    page = client.get(URL, {"start": WINDOW[0], "end": WINDOW[1]}).content.decode()
    response = client.get(URL, {"start": WINDOW[0], "end": WINDOW[1], "format": "csv"})

    assert "?start=2026-11-01&amp;end=2026-11-30&amp;format=csv" in page
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "from,to,target_role,figure,value"
    assert "2026-11-01,2026-11-30,all,funnel.signed_up.count,4" in lines
