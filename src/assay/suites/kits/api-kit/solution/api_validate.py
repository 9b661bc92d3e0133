"""Payload validation against a schema of field name -> type."""

from api_errors import bad_request


def validate(schema, payload):
    if not isinstance(payload, dict):
        raise bad_request("payload must be an object")
    for name in payload:
        if name not in schema:
            raise bad_request(f"unknown field {name}")
    for name, kind in schema.items():
        if name not in payload:
            raise bad_request(f"missing field {name}")
        value = payload[name]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise bad_request(f"field {name} must be {kind.__name__}")
    return payload
