"""`/static`: the UI's own CSS and the vendored-at-set-up htmx, with long cache headers.

Pages link every asset with `?v=<hash of its content>` (`templating.static_url`), so a browser
may keep a file for a year: a changed file has a new URL.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

CACHE_CONTROL = "public, max-age=31536000, immutable"


class CachedStatic(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response: Response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = CACHE_CONTROL
            response.headers["X-Content-Type-Options"] = "nosniff"
        return response
