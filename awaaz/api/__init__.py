"""The JSON API (`/api/v1/`) and its OpenAPI 3.1 document; see docs/api.md."""

from awaaz.api.views import bp

__all__ = ["bp"]
