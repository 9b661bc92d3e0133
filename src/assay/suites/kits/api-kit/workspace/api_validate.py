"""Payload validation against a schema of field name -> type."""

from api_errors import bad_request


def validate(schema, payload):
    if not isinstance(payload, dict):
        raise bad_request("payload must be an object")
    for name in payload:
        if name not in schema:
            raise bad_request(f"unknown field {name}")
    return payload
