"""Settings read when the app is made: from the app's config, else from the environment.

Kept apart from ``api.app`` so that the modules the app is built from (the rate limiter,
the edge headers) can refuse a bad setting with the same error the app itself raises.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any


class ConfigurationError(ValueError):
    """A setting the app cannot start with; the message names it and what it takes."""


def setting(config: Mapping[str, Any], name: str, variable: str, default: object) -> object:
    """``config[name]`` when the app was given it, else the environment ``variable``."""
    if name in config:
        return config[name]
    return os.environ.get(variable, default)


def source(config: Mapping[str, Any], name: str, variable: str) -> str:
    """Where a setting came from, for an error message that lets someone find it."""
    return f"app setting {name}" if name in config else variable
