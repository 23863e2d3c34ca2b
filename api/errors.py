"""One error shape for every refusal: `{"error": "...", "parameter": "..."}` (JSON).

`parameter` names the query parameter or body field that was wrong, when one
was. Django's own refusals (Http404, PermissionDenied, ValidationError from a
service) and a regular expression the database gives up on become 4xx
answers here too, so no bad input reaches a 500.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from reports.stats import is_regexp_error


class BadParameter(ValidationError):
    """A 400 naming the parameter and what was wrong with it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__({parameter: [message]})
        self.parameter = parameter


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(
            {k: v for k, v in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, DatabaseError) and is_regexp_error(exc):
        exc = BadParameter(
            "filters", "a `matching` pattern is too costly for the database; try a simpler one"
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    response.data = _body(exc, response.data)
    return response


def _body(exc: Exception, data: object) -> dict:
    if isinstance(exc, ValidationError) and isinstance(data, dict):
        field, problems = next(iter(data.items()), ("", []))
        first = problems[0] if isinstance(problems, list) and problems else problems
        if isinstance(first, dict):  # a nested serializer's errors
            field, first = f"{field}.{next(iter(first))}", next(iter(first.values()))[0]
        body = {"error": f"{field}: {first}" if field != "non_field_errors" else str(first)}
        if field != "non_field_errors":
            body["parameter"] = field
        if len(data) > 1:
            body["errors"] = data
        return body
    if isinstance(data, dict) and "detail" in data:
        return {"error": str(data["detail"])}
    if isinstance(data, list):
        return {"error": "; ".join(str(item) for item in data)}
    return {"error": str(data)}
