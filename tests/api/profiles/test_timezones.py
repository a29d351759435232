"""Time zones are canonical IANA zones only (issue 13, item 11), on every endpoint that takes one.

Refused with a 400 naming `timezone`, nothing written: `localtime` and `posixrules` (files of a
system's copy of the database, meaning whatever that machine is set to), `Factory` (a placeholder
without an offset), aliases (`US/Eastern`, `Asia/Calcutta`, `UTC`, answered with the zone they
stand for) and anything unknown or in the wrong case.
"""

import pytest

from mentorship.profiles.models import MenteeProfile, MentorProfile

ENDPOINTS = {
    "mentee": ("/api/v1/me/mentee-profile", "mentee_client", "mentee_body", MenteeProfile),
    "mentor": ("/api/v1/me/mentor-profile", "mentor_client", "mentor_body", MentorProfile),
}
REFUSED = {
    "localtime": "Unknown time zone",
    "posixrules": "Unknown time zone",
    "Factory": "Unknown time zone",
    "US/Eastern": "use the canonical IANA zone America/New_York",
    "Asia/Calcutta": "use the canonical IANA zone Asia/Kolkata",
    "Europe/Kiev": "use the canonical IANA zone Europe/Kyiv",
    "UTC": "use the canonical IANA zone Etc/UTC",
    "GMT": "use the canonical IANA zone Etc/GMT",
    "europe/paris": "Unknown time zone",
    "../../etc/passwd": "Unknown time zone",
}


@pytest.fixture(params=list(ENDPOINTS))
def endpoint(request):
    url, client_name, body_name, model = ENDPOINTS[request.param]
    return (
        url,
        request.getfixturevalue(client_name),
        request.getfixturevalue(body_name),
        model,
    )


@pytest.mark.parametrize("zone", list(REFUSED))
def test_a_non_canonical_zone_is_refused_on_put_naming_the_field(endpoint, zone):
    url, client, body, model = endpoint

    response = client.put(url, {**body, "timezone": zone}, format="json")

    assert response.status_code == 400, response.json()
    assert list(response.json()["fields"]) == ["timezone"]
    assert REFUSED[zone] in response.json()["fields"]["timezone"][0]
    assert not model.objects.exists()


@pytest.mark.parametrize("zone", ["localtime", "Factory", "US/Pacific"])
def test_a_non_canonical_zone_is_refused_on_patch_and_changes_nothing(endpoint, zone):
    url, client, body, _ = endpoint
    assert client.put(url, body, format="json").status_code == 201

    response = client.patch(url, {"timezone": zone}, format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["timezone"]
    assert client.get(url).json()["timezone"] == body["timezone"]


@pytest.mark.parametrize("zone", ["Europe/Paris", "Asia/Kolkata", "America/New_York", "Etc/UTC"])
def test_canonical_zones_are_accepted(endpoint, zone):
    url, client, body, _ = endpoint

    response = client.put(url, {**body, "timezone": zone}, format="json")

    assert response.status_code == 201
    assert response.json()["timezone"] == zone


def test_a_zone_stored_before_the_rule_does_not_block_other_changes(mentee_client, mentee_body):
    """An alias written before only canonical zones were accepted stays until it is changed."""
    assert mentee_client.put("/api/v1/me/mentee-profile", mentee_body).status_code == 201
    MenteeProfile.objects.update(timezone="UTC")

    response = mentee_client.patch("/api/v1/me/mentee-profile", {"goals": "Get hired"})

    assert response.status_code == 200
    assert response.json()["goals"] == "Get hired"
    assert response.json()["timezone"] == "UTC"
