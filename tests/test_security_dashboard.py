"""What an outside probe found in the dashboard and the exports (issue 21), checked through the bot on a real
port (HTTP like a browser, a real Chromium, or the real CLI) on SQLite and PostgreSQL: no formula in any file
staff open, exports only by the list's form, only Zalo's images, 400s instead of 500s, a request page that
shows only its own conversation, and an odd stored location that does not break the page."""
from __future__ import annotations

import csv
import html
import io
import json
import re
import threading
import zipfile

import pytest
import requests
from werkzeug.serving import make_server

from bot.admin import texts as t
from tests.conftest import APP_ID, OA_ID, chromium
from tests.test_admin import PASSWORD, add_request, admin  # noqa: F401 - admin is the fixture
from tests.test_admin_browser import log_in, waiter

pytestmark = pytest.mark.security

FORMULAS = ('=HYPERLINK("http://evil.example/","click")', "@SUM(1+1)", "+1+1", "-2+3+cmd|' /C calc'!A0")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SUBRESOURCES = ("image", "script", "style", "font", "audio", "video", "object", "embed")


@pytest.fixture
def team(admin):  # noqa: F811 - the fixture imported from test_admin
    """The bot with test_admin's leader and two volunteers."""
    return admin


def logged_in(bot, account: str) -> requests.Session:
    """A browser-like HTTP session logged in through the login form."""
    session = requests.Session()
    answer = session.post(bot.url + "/admin/login", allow_redirects=False, timeout=10,
                          data={"account": account, "password": PASSWORD, "csrf_token": form_token(session, bot)})
    assert answer.status_code == 302, answer.text
    return session


def form_token(session: requests.Session, bot, path: str = "/admin/login") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', session.get(bot.url + path, timeout=10).text).group(1)


def export_form(session: requests.Session, bot, query: str = "") -> dict:
    """The hidden fields of the list page's export form, as the browser would send them."""
    html = session.get(f"{bot.url}/admin/{query}", timeout=10).text
    form = re.search(r'<form[^>]*id="export-form".*?</form>', html, re.S).group(0)
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def audit_rows(bot) -> list[tuple[str, str, str]]:
    with bot.services.store.unit() as uow:
        return [(e.staff_id, e.action, e.target) for e in uow.audit.latest()]


def set_display_names(bot, names: dict[str, str]) -> None:
    """Zalo names as the bot stores them (through the member repository, whatever its columns become)."""
    with bot.services.store.unit() as uow:
        for user_id, name in names.items():
            uow.members.get_or_create(user_id).display_name = name
        uow.commit()


# --- 1. No formula in any file staff open -------------------------------------------------------------

def test_the_cli_exports_write_formulas_as_text(bot, tmp_path):
    set_display_names(bot, {f"res-{i}": name for i, name in enumerate(FORMULAS)})
    for i in range(len(FORMULAS)):
        add_request(bot, "phan_anh", f"res-{i}", answers={"description": FORMULAS[i]})
    result = bot.app.test_cli_runner().invoke(args=["requests", "export"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert sorted(r["resident"] for r in rows) == sorted(f"'{name} (res-{i})" for i, name in enumerate(FORMULAS))
    assert not [cell for row in rows for cell in row.values() if cell.startswith(FORMULA_START)]

    households = tmp_path / "ho.csv"
    households.write_text("Chủ hộ,Địa chỉ\n" + "".join(f'"{n.replace(chr(34), chr(34) * 2)}",Số {i} ngõ 5\n'
                                                       for i, n in enumerate(FORMULAS)), encoding="utf-8")
    assert "4 households imported" in bot.app.test_cli_runner().invoke(
        args=["households", "import", str(households)]).output
    exported = bot.app.test_cli_runner().invoke(args=["households", "export"]).output
    heads = [row["Chủ hộ"] for row in csv.DictReader(io.StringIO(exported.lstrip("\ufeff")))]
    assert sorted(heads) == sorted("'" + name for name in FORMULAS)


def test_the_dashboard_exports_write_formulas_as_text(team):
    set_display_names(team, {f"res-{i}": name for i, name in enumerate(FORMULAS)})
    for i in range(len(FORMULAS)):
        add_request(team, "phan_anh", f"res-{i}")
    leader = logged_in(team, "leader-1")
    answer = leader.post(team.url + "/admin/export.csv", data=export_form(leader, team), timeout=10)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))[1:]
    assert sorted(row[5] for row in rows) == sorted("'" + name for name in FORMULAS)
    assert not [cell for row in rows for cell in row if cell.startswith(FORMULA_START)]

    from openpyxl import load_workbook
    answer = leader.post(team.url + "/admin/export.xlsx", data=export_form(leader, team), timeout=10)
    assert answer.status_code == 200
    sheet_xml = zipfile.ZipFile(io.BytesIO(answer.content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula anywhere in the file
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sorted(sheet.cell(r, 6).value for r in range(2, 6)) == sorted(FORMULAS)  # the names, as text
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


# --- 2. Exports only by the list's form ----------------------------------------------------------------

def test_an_export_needs_the_lists_form_and_a_link_or_image_writes_nothing(team):
    ks = add_request(team, "khai_sinh", "res-1", name="Phạm Thu Hà")
    add_request(team, "phan_anh", "res-2")
    leader = logged_in(team, "leader-1")
    for url in ("/admin/export.csv?via=img", "/admin/export.xlsx", "/admin/export.csv?kind=khai_sinh"):
        refused = leader.get(team.url + url, timeout=10)
        assert refused.status_code == 405 and t.NOT_BY_LINK in refused.text and "Phạm Thu Hà" not in refused.text
        as_image = leader.get(team.url + url, headers={"Sec-Fetch-Dest": "image"}, timeout=10)
        assert as_image.status_code == 403 and "Phạm Thu Hà" not in as_image.text
    no_token = leader.post(team.url + "/admin/export.csv", data={"kind": "khai_sinh"}, timeout=10)
    assert no_token.status_code == 400 and t.CSRF_FAILED in no_token.text
    assert audit_rows(team) == []  # nothing was exported, nothing written

    fields = export_form(leader, team, "?kind=khai_sinh")
    assert fields["kind"] == "khai_sinh" and fields["csrf_token"]
    answer = leader.post(team.url + "/admin/export.csv", data=fields, timeout=10)
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    assert [row[0] for row in csv.reader(io.StringIO(answer.content.decode("utf-8-sig")))][1:] == [ks]
    assert audit_rows(team) == [("leader-1", "export_csv", "1 hồ sơ; bộ lọc: kind=khai_sinh")]


def test_a_volunteers_export_by_the_form_has_only_their_requests(team):
    own = add_request(team, "ho_tro", "res-1", assignee="vol-1")
    other = add_request(team, "ho_tro", "res-2", assignee="vol-2")
    volunteer = logged_in(team, "vol-1")
    answer = volunteer.post(team.url + "/admin/export.csv", data=export_form(volunteer, team), timeout=10)
    codes = [row[0] for row in csv.reader(io.StringIO(answer.content.decode("utf-8-sig")))][1:]
    assert own in codes and other not in codes


# --- 3. Only Zalo's images -------------------------------------------------------------------------------

def test_a_dashboard_page_loaded_as_a_subresource_is_refused_without_a_trace(team):
    code = add_request(team, "khai_sinh", "res-1", name="Phạm Thu Hà")
    leader = logged_in(team, "leader-1")
    for destination in SUBRESOURCES:
        for path in (f"/admin/requests/{code}", "/admin/audit", "/admin/"):
            answer = leader.get(team.url + path, headers={"Sec-Fetch-Dest": destination}, timeout=10)
            assert answer.status_code == 403 and "Phạm Thu Hà" not in answer.text, (destination, path)
    assert audit_rows(team) == []
    style = leader.get(team.url + "/admin/static/admin.css", headers={"Sec-Fetch-Dest": "style"}, timeout=10)
    assert style.status_code == 200  # the stylesheet is still a stylesheet
    page = leader.get(f"{team.url}/admin/requests/{code}", headers={"Sec-Fetch-Dest": "document"}, timeout=10)
    assert page.status_code == 200 and "Phạm Thu Hà" in page.text
    assert audit_rows(team) == [("leader-1", "view_request", code)]
    policy = dict(d.strip().split(" ", 1) for d in page.headers["Content-Security-Policy"].split(";"))
    assert policy["img-src"] == "https://*.zdn.vn https://*.zadn.vn data:"  # Zalo's servers only


def test_only_zalos_images_are_shown_and_other_addresses_are_text(team):
    zalo = "http://f6.photo.talk.zdn.vn/1234/anh.jpg"  # as Zalo's documentation shows it (http)
    elsewhere = ("https://img.example/a.jpg", f"{team.url}/admin/export.csv?via=img", "/admin/requests/KS-0001",
                 "https://evil.example\\x.zdn.vn/a.jpg", "https://login@f6.photo.talk.zdn.vn.evil.example/a.jpg")
    for url in (zalo, *elsewhere):
        team.say("res-1", kind="image", url=url)
    code = add_request(team, "phan_anh", "res-1", answers={"photo": elsewhere[1], "description": "Đèn hỏng"})
    photo = add_request(team, "phan_anh", "res-2", answers={"photo": zalo})
    leader = logged_in(team, "leader-1")
    page = leader.get(f"{team.url}/admin/requests/{code}", timeout=10).text
    assert re.findall(r'<img src="([^"]+)"', page) == ["https://f6.photo.talk.zdn.vn/1234/anh.jpg"]
    shown = html.unescape(transcript_of(page))
    assert all(t.ATTACHMENT_IMAGE_ADDRESS.format(url=url) in shown for url in elsewhere)
    assert elsewhere[1] in html.unescape(page.split('id="answers"')[1]) and 'href="' + elsewhere[1] not in page
    page = leader.get(f"{team.url}/admin/requests/{photo}", timeout=10).text
    assert re.findall(r'<img src="([^"]+)"', page) == ["https://f6.photo.talk.zdn.vn/1234/anh.jpg"]


class CountingApp:
    """WSGI middleware that remembers every path it was asked for."""

    def __init__(self, app):
        self.app, self.paths, self.lock = app, [], threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            self.paths.append(environ.get("PATH_INFO", "") + "?" + environ.get("QUERY_STRING", ""))
        return self.app(environ, start_response)


def pixel(environ, start_response):
    start_response("200 OK", [("Content-Type", "image/gif")])
    return [b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"]


def test_a_residents_image_address_never_makes_the_leaders_browser_act(team):
    """An image «from» the resident that points at the dashboard (or anywhere but Zalo) is not loaded: the
    leader's Chromium opens the request, and the server sees no other request, the log only that view."""
    from selenium.webdriver.common.by import By

    dashboard = CountingApp(team.app.wsgi_app)
    team.app.wsgi_app = dashboard
    other = CountingApp(pixel)
    other_server = make_server("127.0.0.1", 0, other, threaded=True)
    threading.Thread(target=other_server.serve_forever, daemon=True).start()
    try:
        target = add_request(team, "khai_sinh", "res-other", name="Phạm Thu Hà")
        planted = (f"{team.url}/admin/requests/{target}", f"{team.url}/admin/export.csv?via=img",
                   f"http://localhost:{other_server.server_port}/cat.gif")
        for url in planted:
            team.say("res-1", kind="image", url=url)
        code = add_request(team, "phan_anh", "res-1", answers={"photo": planted[0], "description": "Ổ gà"})
        with chromium("--lang=vi") as browser:
            wait = waiter(browser)
            browser.get(team.url + "/admin/login")
            log_in(browser, wait, "leader-1")
            dashboard.paths.clear()
            browser.get(f"{team.url}/admin/requests/{code}")
            wait.until(lambda d: d.execute_script("return document.readyState") == "complete")  # images done
            transcript = browser.find_element(By.ID, "transcript").text
            images = [img.get_attribute("src") for img in browser.find_elements(By.TAG_NAME, "img")]
            browser.get(team.url + "/admin/audit")
            log = browser.find_element(By.ID, "audit").text
        assert [p for p in dashboard.paths if not p.startswith("/admin/static/")] == [f"/admin/requests/{code}?",
                                                                                     "/admin/audit?"]
        assert other.paths == []
        assert code in log and target not in log and "Xuất" not in log
        assert audit_rows(team) == [("leader-1", "view_request", code)]
        assert images == [] and all(url in transcript for url in planted)  # the addresses are there, as text
    finally:
        other_server.shutdown()


# --- 4. 400s, not 500s ----------------------------------------------------------------------------------

@pytest.mark.parametrize("query, field, value", [
    ("?to=9999-12-31", t.FILTER_TO, "9999-12-31"), ("?from=0001-01-01", t.FILTER_FROM, "0001-01-01"),
    ("?from=31/02/2026", t.FILTER_FROM, "31/02/2026"), ("?to=hôm qua", t.FILTER_TO, "hôm qua"),
])
def test_a_date_the_filter_cannot_use_answers_400_with_the_form(team, query, field, value):
    add_request(team, "khai_sinh", "res-1", name="Phạm Thu Hà")
    leader = logged_in(team, "leader-1")
    page = leader.get(team.url + "/admin/" + query, timeout=10)
    assert page.status_code == 400 and 'id="filters"' in page.text
    assert t.FILTER_BAD_DATE.format(field=field, value=value) in page.text and "Phạm Thu Hà" not in page.text
    fields = {**export_form(leader, team), query[1:].split("=")[0]: value}
    for export in ("/admin/export.csv", "/admin/export.xlsx"):
        answer = leader.post(team.url + export, data=fields, timeout=10)
        assert answer.status_code == 400 and t.FILTER_BAD_DATE.format(field=field, value=value) in answer.text
    assert audit_rows(team) == []


@pytest.mark.parametrize("next_page", ["/admin/\r\nSet-Cookie: x=1", "/admin/stats\n", "/admin/\rx"])
def test_a_next_page_with_a_line_break_answers_400_with_the_login_form(team, next_page):
    session = requests.Session()
    shown = session.get(team.url + "/admin/login", params={"next": next_page}, timeout=10)
    assert shown.status_code == 400 and 'id="login-button"' in shown.text and t.LOGIN_BAD_NEXT in shown.text
    answer = session.post(team.url + "/admin/login", allow_redirects=False, timeout=10,
                          data={"account": "leader-1", "password": PASSWORD, "next": next_page,
                                "csrf_token": form_token(session, team)})
    assert answer.status_code == 400 and 'id="login-button"' in answer.text and t.LOGIN_BAD_NEXT in answer.text
    assert "x=1" not in answer.headers.get("Set-Cookie", "")
    assert session.get(team.url + "/admin/", allow_redirects=False, timeout=10).status_code == 302  # not in


# --- 5. A request page shows only its own conversation ---------------------------------------------------

def transcript_of(html: str) -> str:
    return html.split('id="transcript"', 1)[1].split("</ol>", 1)[0] if 'id="transcript"' in html else ""


def test_a_request_page_shows_its_own_conversation_and_older_messages_on_a_logged_click(team):
    team.say("res-1", "Cháu tên Nguyễn Minh An, mẹ là Phạm Thu Hà")  # an earlier procedure's talk
    ks = add_request(team, "khai_sinh", "res-1", name="Phạm Thu Hà",
                     answers={"child_full_name": "Nguyễn Minh An"})
    team.say("res-1", "cho tôi gặp người")
    team.say("res-1", "nhà tôi mất nước từ sáng")
    with team.services.store.unit() as uow:
        ht = uow.handoffs.active_for_user("res-1").code
        uow.requests.by_code(ht).assignee_id = "vol-1"
        uow.commit()

    leader = logged_in(team, "leader-1")
    page = leader.get(f"{team.url}/admin/requests/{ht}", timeout=10).text
    shown = transcript_of(page)
    assert "cho tôi gặp người" in shown and "mất nước" in shown and ht in shown  # the bot's answer with the code
    assert "Nguyễn Minh An" not in shown and t.OLDER_LINK in page
    first = leader.get(f"{team.url}/admin/requests/{ks}", timeout=10).text
    assert "Nguyễn Minh An" in transcript_of(first) and "mất nước" not in transcript_of(first)  # up to the next one
    assert t.OLDER_LINK not in first  # the resident's first request: nothing older

    older = leader.get(f"{team.url}/admin/requests/{ht}/older", timeout=10)
    assert older.status_code == 200 and "Nguyễn Minh An" in transcript_of(older.text)
    assert "cho tôi gặp người" not in transcript_of(older.text)
    assert audit_rows(team)[0] == ("leader-1", "view_older_messages", ht)

    stranger = logged_in(team, "vol-2")
    refused = stranger.get(f"{team.url}/admin/requests/{ht}/older", timeout=10)
    assert refused.status_code == 403 and "Nguyễn Minh An" not in refused.text
    as_image = leader.get(f"{team.url}/admin/requests/{ht}/older", headers={"Sec-Fetch-Dest": "image"}, timeout=10)
    assert as_image.status_code == 403
    assert [row for row in audit_rows(team) if row[1] == "view_older_messages"] == [
        ("leader-1", "view_older_messages", ht)]


# --- 6. An odd stored location does not break the page ---------------------------------------------------

@pytest.mark.parametrize("coordinates, shown", [
    ("21.0285,105.8542", "[vị trí] 21.0285,105.8542"), ([21.0285, 105.8542], "[vị trí] [21.0285, 105.8542]"),
    (["21.0285", "105.8542"], '[vị trí] ["21.0285", "105.8542"]'),
    ({"latitude": "bắc", "longitude": ["x"]}, '[vị trí] bắc, ["x"]'),
])
def test_a_malformed_stored_location_is_shown_as_stored(team, coordinates, shown):
    event = {"app_id": APP_ID, "event_name": "user_send_location", "sender": {"id": "res-1"},
             "recipient": {"id": OA_ID}, "timestamp": "1764730000000",
             "message": {"msg_id": "odd-location-1", "attachments": [
                 {"type": "location", "payload": {"coordinates": coordinates}}]}}
    assert team.services.store.record_event("user_send_location:odd-location-1", "user_send_location", "res-1",
                                            json.dumps(event, ensure_ascii=False))
    team.wait_idle()
    code = add_request(team, "phan_anh", "res-1")
    page = logged_in(team, "leader-1").get(f"{team.url}/admin/requests/{code}", timeout=10)
    assert page.status_code == 200 and shown in html.unescape(transcript_of(page.text))
