"""What the API's OpenAPI document says beyond what ninja writes from the routes: the device token,
the refusals every operation may answer with (one error body), and the Idempotency-Key header of the
creates that honour it. Clients are generated from this document, so it must not leave answers out."""

from __future__ import annotations

# The body of every refusal (anju/api.py's handlers). Some add fields (a 409 for possible duplicates
# lists them; a 422 repeats `errors` as `detail`), so others are allowed.
ERROR = {
    "title": "Error",
    "type": "object",
    "properties": {
        "code": {"type": "integer", "description": "the HTTP status"},
        "description": {"type": "string", "description": "for people, in the caller's language"},
        "errors": {"description": "per field (400) or per pydantic error (422), where there are any"},
    },
    "required": ["code", "description"],
}

BEARER = "BearerToken"
TOKEN_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "a device token: `Authorization: Bearer anju_…`",
}

IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "maxLength": 100},
    "description": (
        "a key of the caller's choosing: a retry with the same key and body gets the first answer "
        "instead of creating twice"
    ),
}

REFUSALS = {
    400: "invalid input, with the reason per field",
    401: "not signed in, or the token is unknown, revoked or expired",
    403: "not permitted for the caller's role or on this object",
    404: "not found in the caller's jurisdiction",
    409: "changed by someone else since it was read, or a conflict with what exists",
    415: "the request body is not JSON",
    422: "the request's parameters or body do not match this document",
    429: "too many searches for possible duplicates this hour",
}


def honours_idempotency_key(view):
    """Mark an operation whose creates are kept per Idempotency-Key (anju.accounts.idempotency)."""
    view.honours_idempotency_key = True
    return view


def _idempotent_operations(api) -> set[str]:
    found = set()
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                if getattr(operation.view_func, "honours_idempotency_key", False):
                    found.add(operation.operation_id or api.get_openapi_operation_id(operation))
    return found


def _refusals(method: str, operation: dict, idempotent: bool) -> list[int]:
    codes = [400, 401, 403, 422]
    if operation.get("parameters") or "requestBody" in operation:
        codes.append(404)  # the object in the path, or one a parameter or the body names
    if method != "get":
        codes.append(409)
    if "requestBody" in operation:
        codes.append(415)
    if idempotent:
        codes.append(429)  # the duplicate search before a create
    return sorted(codes)


def describe_answers(api, schema: dict) -> dict:
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR
    components.setdefault("securitySchemes", {})[BEARER] = TOKEN_SCHEME
    idempotent = _idempotent_operations(api)
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for item in schema["paths"].values():
        for method, operation in item.items():
            if "security" in operation:
                operation["security"] = [*operation["security"], {BEARER: []}]
            honours_key = operation.get("operationId") in idempotent
            codes = _refusals(method, operation, honours_key)
            # A refusal's body is the one error schema; 4xx statuses the operation never answers with
            # (ninja lists every one for a route declared with codes_4xx) are left out.
            answers = {
                str(status): answer
                for status, answer in operation.get("responses", {}).items()
                if not 400 <= int(status) < 500
            }
            for status in codes:
                answers[str(status)] = {"description": REFUSALS[status], "content": error}
            operation["responses"] = answers
            if honours_key:
                operation["parameters"] = [*operation.get("parameters", []), IDEMPOTENCY_KEY]
    return schema
