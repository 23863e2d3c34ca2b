"""The published schema, fuzzed against a running gunicorn (schemathesis, bounded examples).

Every operation of /api/schema/ is called with generated parameters and
bodies, with a read-only key of the site's owner (writes answer 403, reads
whatever the generated input deserves): no answer may be a 5xx, and every
answer must match the schema (status code, content type, body).
"""

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS

from accounts.services.api_keys import create_api_key

EXAMPLES_PER_OPERATION = 25
CHECKED = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
           "response_schema_conformance", "response_headers_conformance")  # fmt: skip


def test_every_operation_answers_generated_input_as_its_schema_says(make_stack, e2e_site):
    owner = e2e_site.account.memberships.get().user
    _, key = create_api_key(user=owner, account=e2e_site.account, name="fuzz")
    stack = make_stack(API_STATS_RATE="100000", API_ENTITY_RATE="100000", WEB_WORKERS="2")
    stack.start_web()
    schema = schemathesis.openapi.from_url(stack.base_url + "/api/schema/?format=json")
    checks = [check for check in CHECKS.get_all() if check.__name__ in CHECKED]
    assert len(checks) == len(CHECKED)
    headers = {"Authorization": f"Bearer {key}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(case=operation.as_strategy())
        def fuzz(case) -> None:
            # Most cases name the site, so that most answers are not just 404s.
            for where in (case.path_parameters, case.query):
                for name in ("site_id", "entity_id"):
                    if where is not None and name in where:
                        where[name] = e2e_site.public_id
            response = case.call(base_url=stack.base_url, headers=headers)
            case.validate_response(response, checks=checks)

        fuzz()
