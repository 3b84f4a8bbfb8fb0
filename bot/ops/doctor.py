"""`flask --app wsgi doctor`: can this server run the bot? One line per check, in the order the bot needs
them: settings; database; DATA_KEY; each OA's Zalo token, leader and roster, procedure files; the webhook
address; disk; last back-up; clock. Settings that do not load stop the checks; a check whose prerequisite
failed says so ([SKIP]) instead of guessing. Exit status 0 when nothing failed (warnings allowed), else 1."""
from __future__ import annotations

from bot.ops import checks, oa_checks
from bot.ops.checks import Result
from bot.ops.doctor_texts import Say
from bot.store import make_engine
from config import ConfigError, Settings

LABELS = {"ok": "[ OK ]", "warn": "[WARN]", "fail": "[FAIL]", "skip": "[SKIP]"}


def _each_oa(settings: Settings, store, needs: str, say: Say) -> list[Result]:
    """Token, leader and roster, procedure files of every OA; without a store only the files are read."""
    results = []
    for oa in settings.all_oas():
        label = oa.oa_key if settings.extra_oas else ""
        if store is None:
            results += [Result("skip", f"{say(key)} ({label})" if label else say(key), say(needs))
                        for key in ("t_zalo", "t_staff")]
        else:
            own = store.for_oa(oa.oa_id)
            results += [oa_checks.check_zalo_token(oa, own, say, label), oa_checks.check_staff(own, say, label)]
        results.append(oa_checks.check_procedures(oa, say, label))
    return results


def _with_database(settings: Settings, engine, say: Say) -> list[Result]:
    """Database, DATA_KEY, then each OA; what needs the database (or a store, which needs a valid DATA_KEY)
    is skipped when those failed."""
    database = checks.check_database(engine, say)
    key, store = Result("skip", say("t_data_key"), say("needs_database")), None
    if database.status == "ok":
        key, store = checks.check_data_key(settings, engine, say)
    needs = "needs_database" if key.status == "skip" else "needs_key"
    try:
        return [database, key] + _each_oa(settings, store, needs, say)
    finally:
        if store is not None:
            store.dispose()


def _start(problem: BaseException, say: Say) -> Result:
    return Result("fail", say("t_start"), say("start_fail", error=f"{type(problem).__name__}: {problem}"),
                  say("start_mend"))


def examine(settings: Settings | None, say: Say, problem: ConfigError | None = None,
            start_problem: BaseException | None = None) -> list[Result]:
    """Every check's result. `problem`: why the settings did not load (nothing else is checked then);
    `start_problem`: what stopped the app from starting, named after the settings unless a check did."""
    results = [checks.check_settings(settings, problem, say)]
    if problem is not None:
        return results
    engine = make_engine(settings.database_url)
    try:
        results += _with_database(settings, engine, say)
        results += [checks.check_webhook_url(settings, say), checks.check_disk(engine, say),
                    checks.check_backup(settings, say), checks.check_clock(say)]
    finally:
        engine.dispose()
    if start_problem is not None and str(start_problem) not in {r.message for r in results if r.status == "fail"}:
        results.insert(1, _start(start_problem, say))  # what no check named (the same words: named already)
    return results


def _line(result: Result) -> str:
    """One line, whatever the message quotes (a YAML parser's error spans several)."""
    text = f"{LABELS[result.status]} {result.title}: {' '.join(result.message.split())}"
    return text + (f"  → {result.mend}" if result.mend and result.status in ("warn", "fail") else "")


def render(results: list[Result], say: Say) -> list[str]:
    """The lines printed: one per check (with how to mend it when it is not fine), then a summary."""
    lines = [_line(result) for result in results]
    fails, warns = (sum(r.status == status for r in results) for status in ("fail", "warn"))
    if fails:
        lines.append(say("problems", fails=fails, warns=warns))
    else:
        lines.append(say("all_ok_warnings", warns=warns) if warns else say("all_ok"))
    return lines
