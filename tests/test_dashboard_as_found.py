"""What a new leader found on the dashboard (issue 23), checked through the bot on a real port (HTTP like a
browser, or a real Chromium) on SQLite and PostgreSQL: a sent location is a map link, a photo a thumbnail that
opens full size, the request list is cards on a phone, the statistics count statuses and how «gặp người»
handovers were claimed and rated, and the exports have one charset, real dates and, for one procedure, a
column per question."""
from __future__ import annotations

import csv
import html
import io
import re
from datetime import datetime, timedelta

import pytest
from markupsafe import escape

from bot import texts
from bot.admin import texts as t
from bot.clock import local
from bot.store.models import utcnow
from tests.conftest import OA_SECRET, chromium, make_settings, start_bot
from tests.test_admin import add_handoff, add_request, add_staff, admin  # noqa: F401 - admin is the fixture
from tests.test_admin_browser import log_in, sample_photo, upload_photo, waiter
from tests.test_security_dashboard import export_form, logged_in

MAP = "https://www.openstreetmap.org/?mlat={lat}&mlon={lng}#map=18/{lat}/{lng}"
PHONE = {"width": 412, "height": 915, "deviceScaleFactor": 1, "mobile": True}
THUMBNAIL = 200  # CSS pixels: a photo on the request page is at most this wide and high


def links(fragment: str) -> list[tuple[str, str, str]]:
    """(address, rel, text) of every link in a piece of a page, unescaped."""
    found = re.findall(r'<a href="([^"]*)"([^>]*)>(.*?)</a>', fragment, re.S)
    return [(html.unescape(href), " ".join(re.findall(r'rel="([^"]*)"', rest)), html.unescape(text).strip())
            for href, rest, text in found]


def section(page: str, element_id: str) -> str:
    """The element with that id, up to the end of its section."""
    return page.split(f'id="{element_id}"', 1)[1].split("</section>", 1)[0]


# --- 1. A location is a map link ---------------------------------------------------------------------------

def test_a_sent_location_is_a_map_link_in_the_conversation_and_the_answers(admin):  # noqa: F811
    admin.say("res-1", kind="location", lat="21.0285", lng="105.8542")
    code = add_request(admin, "phan_anh", "res-1", answers={"description": "Ổ gà", "location": "21.0285,105.8542"})
    emergency = add_request(admin, "khan_cap", "res-2", answers={"loai": "chay", "vi_tri": "10.76262200,106.660172"})
    leader = logged_in(admin, "leader-1")

    page = leader.get(f"{admin.url}/admin/requests/{code}", timeout=10).text
    here = MAP.format(lat="21.0285", lng="105.8542")
    for place in ("answers", "transcript"):
        assert (here, "noopener noreferrer", t.MAP_LINK_TEXT) in links(section(page, place)), place
    assert "21.0285,105.8542" not in section(page, "answers")  # the link instead of raw numbers

    page = leader.get(f"{admin.url}/admin/requests/{emergency}", timeout=10).text
    assert (MAP.format(lat="10.762622", lng="106.660172"), "noopener noreferrer", t.MAP_LINK_TEXT) \
        in links(section(page, "answers"))  # an emergency's location, numbers written the same way


def test_a_location_that_is_not_two_coordinates_is_shown_as_stored(admin):  # noqa: F811
    odd = ("21.0285,abc", "91,105.8542", "21.0285,181", "21.0285,105.8542,3", "1e1,2", "nan,inf",
           '21.0285,105.8542"><b>x</b>', "Đầu ngõ 5 phố Hoa Lư")
    codes = {add_request(admin, "phan_anh", f"res-{i}", answers={"location": value}): value
             for i, value in enumerate(odd)}
    leader = logged_in(admin, "leader-1")
    for code, value in codes.items():
        page = leader.get(f"{admin.url}/admin/requests/{code}", timeout=10)
        answers = section(page.text, "answers")
        assert page.status_code == 200 and "openstreetmap" not in page.text, value
        assert str(escape(value)) in answers and "<b>" not in answers, value


# --- 2. A photo is a thumbnail that opens full size ----------------------------------------------------------

@pytest.fixture
def sandboxed(migrated_database_url, standin, tmp_path):
    """The bot in sandbox mode (photos the sandbox page uploads are served by the bot) and a leader."""
    running, stop = start_bot(make_settings(migrated_database_url, standin.url).with_overrides(sandbox=True),
                              standin)
    running.app.instance_path = str(tmp_path / "instance")  # uploads must not land in the project
    standin.state.webhook_url = running.url + "/zalo/webhook"
    standin.state.oa_secret_key = OA_SECRET
    add_staff(running, "leader-1", "Nguyễn Văn Hòa", "leader")
    yield running
    stop()


def test_a_photo_is_a_thumbnail_that_opens_the_full_image_in_a_new_tab(sandboxed):
    from selenium.webdriver.common.by import By

    full = upload_photo(sandboxed, sample_photo(1600, 1200))
    sandboxed.say("res-1", kind="image", url=full)
    sandboxed.say("res-1", kind="image", url="https://img.example/a.jpg")  # not Zalo's: stays text
    code = add_request(sandboxed, "phan_anh", "res-1", answers={"description": "Ổ gà", "photo": full})
    with chromium("--lang=vi") as browser:
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
        wait = waiter(browser)
        browser.get(sandboxed.url + "/admin/login")
        log_in(browser, wait, "leader-1")
        browser.get(f"{sandboxed.url}/admin/requests/{code}")
        loaded = "return arguments[0].complete ? arguments[0].naturalWidth : 0"
        wait.until(lambda d: (images := d.find_elements(By.CSS_SELECTOR, "main img"))
                   and all(d.execute_script(loaded, image) for image in images))
        images = browser.find_elements(By.CSS_SELECTOR, "main img")
        assert len(images) == 2  # the answer and the conversation
        for image in images:
            assert browser.execute_script(loaded, image) == 1600  # the full image, shown small
            assert 0 < image.size["width"] <= THUMBNAIL and 0 < image.size["height"] <= THUMBNAIL, image.size
            link = image.find_element(By.XPATH, "./ancestor::a")
            assert link.get_attribute("href") == full and link.get_attribute("target") == "_blank"
            assert {"noopener", "noreferrer"} <= set(link.get_attribute("rel").split())
        assert "https://img.example/a.jpg" in browser.find_element(By.ID, "transcript").text


# --- 3. The request list on a phone ---------------------------------------------------------------------------

def test_the_request_list_is_cards_on_a_phone_and_a_table_on_a_wide_screen(admin):  # noqa: F811
    from selenium.webdriver.common.by import By

    now = local(utcnow())
    long_name = "Đỗ Văn Nam Phương Trường"
    shown = {add_request(admin, "khai_sinh", "res-1", name="Phạm Thu Hà",
                         created_local=now - timedelta(hours=2, minutes=5)): ("Phạm Thu Hà", "2 giờ trước", "Mới"),
             add_request(admin, "phan_anh", "res-2", name=long_name,
                         created_local=now - timedelta(days=3, hours=1)): (long_name, "3 ngày trước", "Mới")}
    kinds = {"KS": admin.services.runtime.catalog.procedures["khai_sinh"].title,
             "PA": admin.services.runtime.catalog.procedures["phan_anh"].title}
    with chromium("--lang=vi") as browser:
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
        wait = waiter(browser)
        browser.get(admin.url + "/admin/login")
        log_in(browser, wait, "leader-1")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE["width"]
        wrap = browser.find_element(By.CSS_SELECTOR, ".table-wrap")
        assert browser.execute_script("return arguments[0].scrollWidth <= arguments[0].clientWidth", wrap)
        cards = browser.find_elements(By.CSS_SELECTOR, "#request-list tbody tr")
        assert len(cards) == 2
        for card in cards:
            code = card.find_element(By.TAG_NAME, "a").text
            resident, age, status = shown[code]
            assert all(part in card.text for part in (code, kinds[code[:2]], status, resident, age)), card.text
            assert card.rect["x"] >= 0 and card.rect["x"] + card.rect["width"] <= PHONE["width"]
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**PHONE, "width": 1100, "mobile": False})
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#request-list thead").is_displayed())
        assert t.COL_ASSIGNEE in browser.find_element(By.CSS_SELECTOR, "#request-list thead").text


# --- 4. Statistics ---------------------------------------------------------------------------------------------

def table_rows(fragment: str) -> dict[str, list[str]]:
    """Each row of a statistics table: its heading → the numbers in its cells."""
    rows = re.findall(r'<tr><th scope="row">([^<]*)</th>(.*?)</tr>', fragment, re.S)
    return {name: [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", cells, re.S)]
            for name, cells in rows}


def test_statistics_count_requests_by_status(admin):  # noqa: F811
    admin.clock.set_local(2026, 11, 20, 10)
    for month, status in ((11, "moi"), (11, "da_xong"), (11, "da_xong"), (10, "da_huy")):
        code = add_request(admin, "khai_sinh", f"res-{month}", created_local=datetime(2026, month, 5, 8))
        with admin.services.store.unit() as uow:
            uow.requests.by_code(code).status = status
            uow.commit()
    page = logged_in(admin, "leader-1").get(admin.url + "/admin/stats", timeout=10).text
    assert t.STATS_BY_STATUS in page
    rows = table_rows(section(page, "stats-status"))
    labels = texts.STATUS_LABELS
    assert list(rows) == [labels["moi"], labels["da_xong"], labels["da_huy"], t.STATS_SUM]  # as work goes
    assert rows[texts.STATUS_LABELS["da_xong"]] == ["2", "0"] + ["0"] * 10 + ["2"]
    assert rows[texts.STATUS_LABELS["moi"]][:2] == ["1", "0"] and rows[texts.STATUS_LABELS["da_huy"]][:2] == ["0", "1"]


def test_statistics_show_handovers_claimed_within_the_promise_and_their_ratings(admin):  # noqa: F811
    admin.clock.set_local(2026, 11, 20, 10)
    assert admin.services.runtime.claim_timeout == timedelta(minutes=10)
    november, october = datetime(2026, 11, 3, 9), datetime(2026, 10, 8, 14)
    add_handoff(admin, "res-1", november, timedelta(minutes=4), timedelta(minutes=30), rating=3)
    add_handoff(admin, "res-2", november, timedelta(minutes=10), timedelta(minutes=40), rating=2)
    add_handoff(admin, "res-3", november, timedelta(minutes=25), timedelta(minutes=50), rating=2)
    add_handoff(admin, "res-4", datetime(2026, 11, 20, 9, 58))  # waiting 2 minutes: too early to say
    add_handoff(admin, "res-5", october, timedelta(minutes=30))
    add_handoff(admin, "res-6", october, closed_after=timedelta(hours=1))  # nobody took it
    add_handoff(admin, "res-7", october, closed_after=timedelta(minutes=3))  # the resident cancelled in time
    page = logged_in(admin, "leader-1").get(admin.url + "/admin/stats", timeout=10).text
    handovers = section(page, "stats-handoffs")
    assert t.HANDOFF_IN_TIME.format(minutes=10) in handovers
    rows = table_rows(handovers)
    assert rows["11/2026"] == ["4", "2/3 (67%)", "3", "2,3", "0", "2", "1"]
    assert rows["10/2026"] == ["3", "0/2 (0%)", "0", "—", "0", "0", "0"]
    assert "09/2026" not in rows  # months without a handover are left out


def test_claimed_in_time_takes_the_promise_it_is_given():
    """The per-procedure promise of a later issue only changes the promise passed in."""
    from types import SimpleNamespace

    from bot.admin.handoff_stats import claimed_in_time
    told = datetime(2026, 11, 3, 2)
    handoff = SimpleNamespace(created_at=told, notified_at=told, claimed_at=told + timedelta(minutes=20),
                              closed_at=None)
    assert claimed_in_time(handoff, timedelta(minutes=10), told + timedelta(hours=1)) is False
    assert claimed_in_time(handoff, timedelta(minutes=30), told + timedelta(hours=1)) is True


# --- 5. Exports ------------------------------------------------------------------------------------------------

def test_the_csv_export_names_its_charset_once(admin):  # noqa: F811
    add_request(admin, "khai_sinh", "res-1")
    leader = logged_in(admin, "leader-1")
    answer = leader.post(admin.url + "/admin/export.csv", data=export_form(leader, admin), timeout=10)
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_the_xlsx_export_writes_dates_as_dates(admin):  # noqa: F811
    from openpyxl import load_workbook
    add_request(admin, "khai_sinh", "res-1", created_local=datetime(2026, 3, 10, 9, 5))
    leader = logged_in(admin, "leader-1")
    answer = leader.post(admin.url + "/admin/export.xlsx", data=export_form(leader, admin), timeout=10)
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet.cell(1, 5).value == t.COL_CREATED
    created = sheet.cell(2, 5)
    assert created.value == datetime(2026, 3, 10, 9, 5) and created.is_date
    assert created.number_format == "dd/mm/yyyy hh:mm"


def test_an_export_of_one_procedure_has_a_column_per_question(admin):  # noqa: F811
    from openpyxl import load_workbook
    ks = add_request(admin, "khai_sinh", "res-1", answers={"child_full_name": "Nguyễn Văn An",
                                                            "mother_full_name": "=1+1", "retired_field": "giữ lại"})
    add_request(admin, "phan_anh", "res-2", answers={"description": "Đèn hỏng"})
    steps = admin.services.runtime.catalog.procedures["khai_sinh"].steps
    facts = [t.COL_CODE, t.COL_KIND, t.COL_STATUS, t.COL_CHANNEL, t.COL_CREATED, t.COL_RESIDENT, t.COL_ASSIGNEE]
    header = facts + [step.label for step in steps] + [t.COL_OTHER_ANSWERS]
    column = {label: i for i, label in enumerate(header)}
    child, mother = (next(s.label for s in steps if s.field == f) for f in ("child_full_name", "mother_full_name"))
    leader = logged_in(admin, "leader-1")

    answer = leader.post(admin.url + "/admin/export.csv", data=export_form(leader, admin, "?kind=khai_sinh"),
                         timeout=10)
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == header and len(rows) == 2 and rows[1][0] == ks
    assert rows[1][column[child]] == "Nguyễn Văn An" and rows[1][column[mother]] == "'=1+1"
    assert rows[1][column[t.COL_OTHER_ANSWERS]] == "retired_field: giữ lại"

    answer = leader.post(admin.url + "/admin/export.xlsx", data=export_form(leader, admin, "?kind=khai_sinh"),
                         timeout=10)
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert [cell.value for cell in sheet[1]] == header
    assert sheet.cell(2, column[child] + 1).value == "Nguyễn Văn An"
    formula = sheet.cell(2, column[mother] + 1)
    assert formula.value == "=1+1" and formula.data_type == "s"

    answer = leader.post(admin.url + "/admin/export.csv", data=export_form(leader, admin), timeout=10)
    assert next(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))[-1] == t.COL_ANSWERS  # all kinds
