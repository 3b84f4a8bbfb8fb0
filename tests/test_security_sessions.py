"""Dashboard sessions that can be revoked, and login throttling that neither races nor locks the owner out
(issue 21), through the bot on a real port over HTTP, on SQLite and PostgreSQL."""
from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from bot.store.models import OutboxMessage
from tests.conftest import make_settings, start_bot
from tests.test_admin import PASSWORD, add_staff

pytestmark = pytest.mark.security

NEW_PASSWORD = "mật-khẩu-mới-2026"


@pytest.fixture
def team(bot):
    add_staff(bot, "leader-1", "Nguyễn Văn Hòa", "leader")
    add_staff(bot, "vol-1", "Trần Thị Lan", "volunteer")
    return bot


def form_token(bot, session: requests.Session, path: str = "/admin/login") -> dict:
    """The CSRF field of a page's forms, as this browser would send it."""
    page = session.get(bot.url + path, timeout=10).text
    return {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)}


def try_login(bot, session: requests.Session, account: str, password: str, headers: dict | None = None,
              form: dict | None = None) -> requests.Response:
    data = {"account": account, "password": password, **(form or form_token(bot, session))}
    return session.post(bot.url + "/admin/login", data=data, headers=headers, allow_redirects=False, timeout=30)


def logged_in(bot, account: str, password: str = PASSWORD) -> requests.Session:
    session = requests.Session()
    answer = try_login(bot, session, account, password)
    assert answer.status_code == 302, answer.text
    return session


def opens(bot, cookies: dict, path: str = "/admin/") -> bool:
    """Whether these cookies (a browser's, or a copy someone kept) open a dashboard page."""
    answer = requests.get(bot.url + path, cookies=cookies, allow_redirects=False, timeout=10)
    assert answer.status_code == 200 or answer.headers["Location"].startswith("/admin/login"), answer.status_code
    return answer.status_code == 200


def run_cli(bot, *args: str, input: str | None = None):
    result = bot.app.test_cli_runner().invoke(args=list(args), input=input)
    assert result.exit_code == 0, result.output
    return result


def queued_for(bot, zalo_id: str) -> int:
    """Messages queued (sent or not) to this person."""
    with bot.services.store.unit() as uow:
        return uow.session.scalar(select(func.count()).select_from(OutboxMessage)
                                  .where(OutboxMessage.user_id == zalo_id))


# --- sessions ------------------------------------------------------------------------------------------

def test_a_cookie_kept_from_before_logout_opens_nothing(team):
    browser = logged_in(team, "leader-1")
    kept = browser.cookies.get_dict()
    assert opens(team, kept) and opens(team, kept, "/admin/audit")
    logout = browser.post(team.url + "/admin/logout", data=form_token(team, browser, "/admin/"),
                          allow_redirects=False, timeout=10)
    assert logout.status_code == 302 and logout.headers["Location"].startswith("/admin/login")
    assert not opens(team, kept) and not opens(team, kept, "/admin/audit")


def test_a_password_set_with_the_cli_ends_every_session_of_that_person_only(team):
    first, second = logged_in(team, "leader-1"), logged_in(team, "Nguyễn Văn Hòa")
    volunteer = logged_in(team, "vol-1")
    kept = [first.cookies.get_dict(), second.cookies.get_dict()]
    assert all(opens(team, cookies) for cookies in kept)
    run_cli(team, "staff", "add", "--zalo-id", "leader-1", "--name", "Nguyễn Văn Hòa", "--role", "leader",
            "--password", NEW_PASSWORD)
    assert not any(opens(team, cookies) for cookies in kept)
    assert not any(opens(team, cookies, "/admin/audit") for cookies in kept)
    assert opens(team, volunteer.cookies.get_dict())  # someone else's password did not change
    assert try_login(team, requests.Session(), "leader-1", PASSWORD).status_code == 401
    assert opens(team, logged_in(team, "leader-1", NEW_PASSWORD).cookies.get_dict())


def test_the_cli_can_ask_for_the_password_instead_of_taking_it_on_the_command_line(team):
    kept = logged_in(team, "vol-1").cookies.get_dict()
    result = run_cli(team, "staff", "add", "--zalo-id", "vol-1", "--name", "Trần Thị Lan", "--role", "volunteer",
                     "--password", input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert NEW_PASSWORD not in result.output and not opens(team, kept)
    logged_in(team, "vol-1", NEW_PASSWORD)


def test_removing_a_staff_member_ends_their_sessions_even_if_they_are_added_back(team):
    kept = logged_in(team, "vol-1").cookies.get_dict()
    run_cli(team, "staff", "remove", "--zalo-id", "vol-1")
    assert not opens(team, kept)
    team.add_staff("vol-1", "Trần Thị Lan", "volunteer")  # back, before any new password is set
    assert not opens(team, kept)


def test_a_session_unused_for_12_hours_ends(team):
    team.clock.advance(0)  # the bot's clock stands still from here; the test moves it
    browser = logged_in(team, "leader-1")
    team.clock.advance(11 * 60)
    assert opens(team, browser.cookies.get_dict())  # used: the 12 hours start again
    team.clock.advance(11 * 60)
    assert opens(team, browser.cookies.get_dict())
    team.clock.advance(12 * 60 + 1)
    assert not opens(team, browser.cookies.get_dict())


# --- login throttling ----------------------------------------------------------------------------------

def test_thirty_simultaneous_wrong_logins_check_only_five_passwords_and_the_owner_still_gets_in(team):
    team.clock.advance(0)  # every attempt happens at the same moment of the bot's clock
    browsers = [requests.Session() for _ in range(30)]
    forms = [form_token(team, browser) for browser in browsers]
    start = threading.Barrier(30)

    def attempt(i: int) -> int:
        start.wait()
        return try_login(team, browsers[i], "leader-1", f"đoán-{i}", form=forms[i]).status_code

    with ThreadPoolExecutor(30) as pool:
        statuses = list(pool.map(attempt, range(30)))
    assert sorted(statuses) == [401] * 5 + [429] * 25, statuses  # 401: password checked; 429: not
    too_soon = try_login(team, requests.Session(), "leader-1", PASSWORD)  # the right password, too soon
    assert too_soon.status_code == 429 and re.search(r"chờ \d+ giây", too_soon.text)
    team.clock.advance(2 / 60)
    assert try_login(team, requests.Session(), "leader-1", PASSWORD).status_code == 302


@pytest.fixture
def behind_proxy(migrated_database_url, standin):
    """The bot behind one reverse proxy (TRUSTED_PROXIES=1): X-Forwarded-For names the client."""
    running, stop = start_bot(make_settings(migrated_database_url, standin.url, trusted_proxies=1), standin)
    add_staff(running, "leader-1", "Nguyễn Văn Hòa", "leader")
    running.clock.advance(0)
    yield running
    stop()


def test_many_addresses_guessing_one_account_keep_its_owner_out_for_a_minute_at_most(behind_proxy):
    for i in range(20):  # each guess just after the delay, from another address: every one is checked
        behind_proxy.clock.advance(61 / 60)
        answer = try_login(behind_proxy, requests.Session(), "leader-1", f"đoán-{i}",
                           {"X-Forwarded-For": f"203.0.113.{i}"})
        assert answer.status_code == 401, (i, answer.status_code)
    owner = {"X-Forwarded-For": "198.51.100.2"}
    refused = try_login(behind_proxy, requests.Session(), "leader-1", PASSWORD, owner)
    assert refused.status_code == 429 and 50 <= int(re.search(r"chờ (\d+) giây", refused.text).group(1)) <= 60
    behind_proxy.clock.advance(61 / 60)
    assert try_login(behind_proxy, requests.Session(), "leader-1", PASSWORD, owner).status_code == 302


def test_one_address_guessing_many_accounts_waits_longer_and_longer(behind_proxy):
    guesser = {"X-Forwarded-For": "203.0.113.7"}
    for i in range(11):  # 2^(n-5) seconds after the n-th failure: 1, 2, 4 … 64 s
        behind_proxy.clock.advance(2 ** max(i - 5, 0) / 60)
        assert try_login(behind_proxy, requests.Session(), f"ai-do-{i}", "x", guesser).status_code == 401, i
    behind_proxy.clock.advance(61 / 60)
    assert try_login(behind_proxy, requests.Session(), "ai-do-11", "x", guesser).status_code == 429
    assert try_login(behind_proxy, requests.Session(), "leader-1", PASSWORD, {"X-Forwarded-For": "198.51.100.2"}
                     ).status_code == 302  # another client is not slowed down
    behind_proxy.clock.advance(4 / 60)
    assert try_login(behind_proxy, requests.Session(), "ai-do-11", "x", guesser).status_code == 401


def test_a_forged_forwarded_for_header_does_not_make_a_new_client(team):
    team.clock.advance(0)
    for i in range(5):
        headers = {"X-Forwarded-For": f"192.0.2.{i}"}
        assert try_login(team, requests.Session(), f"ai-do-{i}", "x", headers).status_code == 401
    answer = try_login(team, requests.Session(), "ai-khac", "x", {"X-Forwarded-For": "192.0.2.99"})
    assert answer.status_code == 429  # the same client address: five failures already


def test_leaders_are_told_once_an_hour_of_repeated_wrong_logins_without_the_password_or_the_address(team):
    team.clock.advance(0)
    for i in range(5):
        assert try_login(team, requests.Session(), "Trần Thị Lan", f"bí-mật-{i}").status_code == 401

    def notices(n: int) -> list[str]:
        """The leader's first n messages about Lan's account, once they arrived at the stand-in."""
        arrived = team.standin.state.wait_for_messages("leader-1", n)
        return [m["text"] for m in arrived if "Trần Thị Lan" in (m["text"] or "")]

    first = notices(1)[0]
    assert "5 lần" in first and "bí-mật" not in first and "127.0.0.1" not in first
    assert queued_for(team, "vol-1") == 0
    team.clock.advance(2 / 60)
    assert try_login(team, requests.Session(), "vol-1", "sai-nữa").status_code == 401  # 6th: told already
    assert queued_for(team, "leader-1") == 1
    team.clock.advance(61)
    assert try_login(team, requests.Session(), "vol-1", "sai-nữa").status_code == 401  # 7th, an hour later
    assert queued_for(team, "leader-1") == 2
    assert "7 lần" in notices(2)[1]


def test_a_success_resets_the_account_and_unknown_accounts_tell_nobody(team):
    team.clock.advance(0)
    for _ in range(4):
        assert try_login(team, requests.Session(), "leader-1", "sai").status_code == 401
    logged_in(team, "leader-1")  # the account starts again from 0; the address keeps its 4 failures
    assert try_login(team, requests.Session(), "leader-1", "sai").status_code == 401
    assert try_login(team, requests.Session(), "leader-1", "sai").status_code == 429  # the address: 5 failures
    for i in range(5):
        team.clock.advance(1)
        assert try_login(team, requests.Session(), "ai-do", "sai").status_code == 401, i
    assert queued_for(team, "leader-1") == 0
