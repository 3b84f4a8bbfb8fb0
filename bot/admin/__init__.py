"""The staff dashboard at /admin: requests, statistics and exports for leaders and volunteers."""
from bot.admin import audit, auth, csrf, detail, export, groups, listing, stats  # noqa: F401 - their routes join the blueprint
from bot.admin.base import blueprint

# Order matters: who is asking first (a stranger is sent to the login page), then the form token.
blueprint.before_request(auth.require_staff)
blueprint.before_request(csrf.check)

__all__ = ["blueprint"]
