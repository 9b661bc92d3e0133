"""What the HTTP providers share: their SDK, keys from the environment, classifying failures."""

from __future__ import annotations

import datetime as dt
import email.utils
import ipaddress
import os
from collections.abc import Mapping, Sequence
from urllib.parse import urlparse

from assay.errors import InputError, missing_extra
from assay.models.protocol import ModelFault, redact

DUMMY_KEY = "assay-local-dummy-key"
"""Sent to loopback endpoints that need no key but whose SDK insists on one."""


def is_loopback(url: str | None) -> bool:
    """Whether ``url`` points at this machine (a local server needs no real key)."""
    if not url:
        return False
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def sdk_missing(provider: str, sdk: str) -> InputError:
    """The error for a provider whose SDK (an optional extra) is not installed."""
    return missing_extra(sdk.replace("-", "."), f"the {provider} provider")


def api_key(env_names: Sequence[str], base_url: str | None, spec: str) -> str:
    """Return the key from the first set variable of ``env_names``; a dummy for loopback URLs.

    Keys come from the environment only, so they never appear in a spec, a manifest or a
    record.
    """
    for name in env_names:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    if is_loopback(base_url):
        return DUMMY_KEY
    raise InputError.single(
        "model spec",
        spec,
        f"no API key: none of {', '.join(env_names)} is set",
        f"export {env_names[0]}=... (keys are read from the environment only)",
    )


def retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``Retry-After`` (seconds or HTTP date)."""
    if not headers:
        return None
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        if "retry-after-ms" in lowered:
            return max(float(lowered["retry-after-ms"]) / 1000, 0.0)
        value = lowered.get("retry-after")
        if value is None:
            return None
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value or "")
    except (TypeError, ValueError):
        return None
    return max((when - dt.datetime.now(dt.UTC)).total_seconds(), 0.0)


def status_fault(status: int, detail: str, headers: Mapping[str, str] | None = None) -> ModelFault:
    """Classify an HTTP error status: 408, 409, 429 and 5xx are transient, the rest permanent.

    ``Retry-After`` is read only for transient statuses: nothing else will be retried.
    """
    transient = status in (408, 409, 429) or status >= 500
    return ModelFault(
        "transient" if transient else "permanent",
        detail,
        status=status,
        retry_after_s=retry_after(headers) if transient else None,
    )


SHAPE_ERRORS: tuple[type[Exception], ...] = (
    AttributeError,
    TypeError,
    KeyError,
    IndexError,
    ValueError,
)
"""What reading a reply of the wrong shape raises: the SDKs build replies without checking
them, so a field may be missing, ``None`` or of another type."""


def wrong_shape(exc: Exception, secrets: Sequence[str] = ()) -> ModelFault:
    """The fault for a reply that parsed but is not what the API promises.

    The endpoint answered, but with nothing usable: a transient fault (retried), as for an
    unparseable body, and never a harness error.
    """
    detail = redact(f"response has the wrong shape: {type(exc).__name__}: {exc}", secrets)
    return ModelFault("transient", detail)
