"""The staff dashboard at /admin: requests, statistics and exports for leaders and volunteers."""
from bot.admin import (  # noqa: F401 - their routes join the blueprint
    audit,
    auth,
    csrf,
    detail,
    export,
    fetch_guard,
    groups,
    listing,
    notice_compose,
    notice_preview,
    notices,
    stats,
)
from bot.admin.base import blueprint

# Order matters: a page loaded as an image (or script, style…) is refused before anything runs; then who
# is asking (a stranger is sent to the login page), then the form token.
blueprint.before_request(fetch_guard.refuse_subresource_loads)
blueprint.before_request(auth.require_staff)
blueprint.before_request(csrf.check)

__all__ = ["blueprint"]
