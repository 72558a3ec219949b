"""coprod's REST API: Flask and flask-smorest over ``toolkits_core``.

HTTP only: routing, authentication, schemas, errors, pagination and ETags. What happens
to an initiative is decided in ``toolkits_core``; no toolkit is named here.
"""

from api.app import create_app

__all__ = ["create_app"]
