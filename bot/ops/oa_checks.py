"""The doctor's checks of each OA: its Zalo token (one API call), its leader and roster, its procedure
files. `label` is the OA's short name when a deployment serves several, else ""."""
from __future__ import annotations

from bot.clock import local, utcnow
from bot.flows.catalog import load_catalog
from bot.flows.review import review
from bot.ops.checks import Result
from bot.ops.doctor_texts import Say
from bot.store import Store
from bot.zalo.client import ZaloClient, ZaloOAuth
from bot.zalo.errors import RefreshFailed, TokenError, TransientError, ZaloError
from bot.zalo.tokens import TokenManager
from config import Settings


def _titled(say: Say, key: str, label: str) -> str:
    return f"{say(key)} ({label})" if label else say(key)


def _oa_option(label: str) -> str:
    return f" --oa {label}" if label else ""


def check_zalo_token(settings: Settings, store: Store, say: Say, label: str = "") -> Result:
    """Ask Zalo once (the OA's tags) with the stored token, renewing it as the bot would if Zalo refuses
    it; then say when it expires."""
    title = _titled(say, "t_zalo", label)
    if settings.sandbox:
        return Result("skip", title, say("zalo_sandbox"))
    oauth = ZaloOAuth(settings.oauth_base, settings.app_id, settings.app_secret, settings.zalo_timeout_seconds)
    tokens = TokenManager(store, oauth, settings.access_token, settings.refresh_token)
    client = ZaloClient(settings.api_base, tokens, timeout=settings.zalo_timeout_seconds, retries=0, connections=1)
    try:
        client.tags()
    except (RefreshFailed, TokenError) as exc:
        return Result("fail", title, say("zalo_refused", error=exc), say("zalo_refused_mend"))
    except TransientError as exc:
        return Result("fail", title, say("zalo_down", error=exc), say("zalo_down_mend"))
    except ZaloError as exc:  # refused the call, not the token (Zalo checks the token first)
        return Result("warn", title, say("zalo_other", error=exc))
    finally:
        client.http.close()
    token = tokens.load()
    if token.refresh_error:
        return Result("warn", title, say("zalo_renewal_failed", error=token.refresh_error), say("zalo_refused_mend"))
    hours = max(int((token.expires_at - utcnow()).total_seconds() // 3600), 0)
    return Result("ok", title, say("zalo_ok", hours=hours, at=local(token.expires_at).strftime("%Y-%m-%d %H:%M")))


def check_staff(store: Store, say: Say, label: str = "") -> Result:
    """A leader (else a «gặp người» reaches nobody), and someone on the roster."""
    title = _titled(say, "t_staff", label)
    with store.unit() as uow:
        staff, shifts = uow.staff.list(), len(uow.staff.shifts())
    leaders = sum(s.role == "leader" for s in staff)
    if not leaders:
        return Result("fail", title, say("staff_no_leader"), say("staff_no_leader_mend", oa=_oa_option(label)))
    if not shifts:
        return Result("warn", title, say("staff_no_roster", leaders=leaders),
                      say("staff_no_roster_mend", oa=_oa_option(label)))
    return Result("ok", title, say("staff_ok", leaders=leaders, volunteers=len(staff) - leaders, shifts=shifts))


def check_procedures(settings: Settings, say: Say, label: str = "") -> Result:
    """The files load as the bot loads them at start, and none is unreviewed (`procedures check`)."""
    title = _titled(say, "t_procedures", label)
    try:
        procedures = load_catalog(settings.config_dir, settings.config_overrides).procedures
    except (ValueError, OSError) as exc:  # ProcedureFileError names the file and line
        return Result("fail", title, str(exc), say("procedures_bad_mend"))
    findings = review(procedures, local(utcnow()).date())
    unreviewed = sorted({f.procedure for f in findings if f.failing})
    if unreviewed:
        return Result("fail", title, say("procedures_unreviewed", ids=", ".join(unreviewed)),
                      say("procedures_unreviewed_mend"))
    if findings:
        return Result("ok", title, say("procedures_notes", count=len(procedures), notes=len(findings)))
    return Result("ok", title, say("procedures_ok", count=len(procedures)))
