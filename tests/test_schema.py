"""The OpenAPI schema validates, and the Swagger UI is served from local static files."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_and_lists_the_auth_endpoints(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/me"} <= set(schema["paths"])
    register = schema["paths"]["/api/v1/auth/register"]["post"]
    assert "security" not in register
    assert schema["paths"]["/api/v1/me"]["get"]["security"] == [{"knoxApiToken": []}]
    assert schema["components"]["securitySchemes"]["knoxApiToken"] == {
        "type": "http",
        "scheme": "bearer",
    }
    assert register["responses"]["4XX"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_the_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))

    assert (tmp_path / "s.yaml").read_text().startswith("openapi: 3")


def test_swagger_ui_uses_local_assets_only(api_client):
    response = api_client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
