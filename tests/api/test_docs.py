"""The schema and the browsable reference: served by the app itself, under the strict CSP."""

import re

import pytest
import yaml

pytestmark = pytest.mark.django_db


def test_the_schema_lists_every_endpoint_with_bearer_keys(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    assert set(schema["paths"]) >= {
        "/api/v1/aggregations", "/api/v1/current_visitors", "/api/v1/account", "/api/v1/sites",
        "/api/v1/sites/{site_id}", "/api/v1/sites/{site_id}/data",
        "/api/v1/sites/{site_id}/events", "/api/v1/sites/{site_id}/milestones",
        "/api/v1/sites/{site_id}/milestones/{milestone_id}",
    }  # fmt: skip
    assert schema["components"]["securitySchemes"]["BearerKey"]["scheme"] == "bearer"


def test_the_reference_loads_only_its_own_assets_under_the_strict_csp(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>" not in page and "<style>" not in page  # nothing inline
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/") for s in sources)
    assert all(client.get(s).status_code == 200 for s in sources if s.startswith("/static/"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    script = client.get(next(s for s in sources if "script" in s))
    assert script["Content-Type"].startswith("application/javascript")
