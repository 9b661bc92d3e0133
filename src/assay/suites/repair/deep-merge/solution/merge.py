"""Layered configuration: merge nested dicts, later layers winning."""

from __future__ import annotations

import copy
from typing import Any

Config = dict[str, Any]


def deep_merge(base: Config, override: Config) -> Config:
    """Return ``override`` merged over ``base``; nested dicts are merged recursively.

    Neither input is modified, and the result shares no mutable value with them.
    """
    result: Config = {key: copy.deepcopy(value) for key, value in base.items()}
    for key, value in override.items():
        if isinstance(result.get(key), dict) and isinstance(value, dict):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def merge_all(*layers: Config) -> Config:
    """Merge any number of layers, left to right."""
    result: Config = {}
    for layer in layers:
        result = deep_merge(result, layer)
    return result


def get_path(config: Config, dotted: str, default: Any = None) -> Any:
    """Return ``config["a"]["b"]`` for ``"a.b"``, or ``default`` when any step is missing."""
    node: Any = config
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            return default
        node = node[key]
    return node
