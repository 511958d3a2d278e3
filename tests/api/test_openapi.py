"""The OpenAPI document at /api/v1/openapi.json, and schemathesis holding the API to it."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.reporting.completions import FIELD_IDS
from tests.api.helpers import vik_with_progress


def test_the_document_describes_the_report_from_its_fields(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    item = document["components"]["schemas"]["Completion"]
    assert sorted(item["properties"]) == sorted(FIELD_IDS)
    assert item["required"] == list(FIELD_IDS)
    assert item["properties"]["first_access"] == {
        "type": ["string", "null"], "format": "date-time", "description": "First access (UTC)"
    }  # fmt: skip
    assert item["properties"]["attempts"] == {
        "type": ["integer", "null"], "description": "Quiz attempts"
    }  # fmt: skip
    operation = document["paths"]["/api/v1/completions"]["get"]
    assert [(p["name"], p["in"], p["required"]) for p in operation["parameters"]] == [
        ("since", "query", False), ("cursor", "query", False), ("limit", "query", False),
        ("org", "query", False),
    ]  # fmt: skip
    limit = operation["parameters"][2]["schema"]
    assert limit == {"type": "integer", "minimum": 1, "maximum": 5000, "default": 500}
    assert operation["security"] == [{"token": []}]
    assert sorted(operation["responses"]) == ["200", "400", "401", "403"]
    assert document["components"]["securitySchemes"]["token"]["scheme"] == "bearer"


@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE,
                                  schemathesis.GenerationMode.NEGATIVE])  # fmt: skip
def test_the_api_keeps_to_its_document(app, clock, mode):
    """schemathesis makes requests from the document, valid ones and invalid ones, and checks
    each answer: no 500; status, content type, headers and body as documented; valid data
    accepted, invalid data refused."""
    _org, _people, secret = vik_with_progress(clock)
    # the document's own security scheme ("token") carries the credential: schemathesis then
    # knows the API's auth, leaves it out or spoils it on purpose, and expects the 401
    config = SchemathesisConfig.from_dict({"auth": {"openapi": {"token": {"bearer": secret}}}})
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    operation = schema["/api/v1/completions"]["GET"]
    statuses = set()

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=30, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def check(case: schemathesis.Case) -> None:
        # A cursor is signed: a schema can say it is a string, not which strings we signed,
        # so a made-up one is rightly refused (400) though the schema allows it.
        signed = [positive_data_acceptance] if "cursor" in (case.query or {}) else []
        response = case.call_and_validate(excluded_checks=signed)
        statuses.add(response.status_code)

    check()
    if mode == schemathesis.GenerationMode.POSITIVE:
        assert 200 in statuses  # it read pages, not only refusals
