"""The app the CRM-sync test serves under gunicorn: the race harness's toolkits, with the
rate limit left to ``COPROD_RATE_LIMIT`` (``race_app`` turns it off), so that the sync
client meets the quota and its RateLimit headers as a council's CRM would."""

from __future__ import annotations

from flask import Flask

from api import create_app
from toolkits_core import PluginHost

from .race_app import RacePlugin


def crm_app() -> Flask:
    """The app for one gunicorn worker, on ``COPROD_DATABASE_URL`` (already migrated)."""
    return create_app(
        {"PLUGIN_HOST": PluginHost.of(("race", RacePlugin(0))), "AUTO_MIGRATE": False}
    )
