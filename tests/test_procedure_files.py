"""Procedure files are data, checked at start-up: a bad file stops the app and says file and line."""
import shutil
from pathlib import Path

import pytest

from bot import create_app
from bot.flows.catalog import load_catalog
from bot.flows.procedures import STEP_TYPES, ProcedureFileError
from tests.conftest import make_settings

CONFIG = Path(__file__).resolve().parent.parent / "config"
REQUIRED = {"khai_sinh", "khai_tu", "xac_nhan_hon_nhan", "ket_hon", "thuong_tru", "tam_tru", "tam_vang", "vneid",
            "phan_anh", "tro_cap_nguoi_cao_tuoi", "dat_lich"}


def test_every_required_procedure_has_a_valid_file():
    catalog = load_catalog(CONFIG)
    assert REQUIRED <= set(catalog.procedures)
    for procedure in catalog.procedures.values():
        assert procedure.steps or procedure.guidance.online_steps, procedure.id  # a form, or guidance only
        assert all(s.type in STEP_TYPES and (s.ask or s.from_date) and s.label != s.field
                   for s in procedure.steps), procedure.id


@pytest.fixture
def config_copy(tmp_path: Path) -> Path:
    target = tmp_path / "config"
    shutil.copytree(CONFIG, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def break_file(config_copy: Path, old: str, new: str, name: str = "tam_vang.yaml") -> Path:
    path = config_copy / "procedures" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("old, new, message", [
    ("type: date", "type: calendar", "unknown type 'calendar'"),
    ("type: choice", "type: choice\n    choices_typo: 1", "unknown key(s): choices_typo"),
    ("code: TV", "code: tv", "code must be 2–5 capital letters"),
])
def test_bad_step_or_header_is_named_with_file_and_line(config_copy, old, new, message):
    path = break_file(config_copy, old, new)
    with pytest.raises(ProcedureFileError) as info:
        load_catalog(config_copy)
    assert str(path) in str(info.value) and message in str(info.value)
    line = int(str(info.value).split(":")[1])
    assert line == mapping_line(path, new)


def mapping_line(path: Path, changed: str) -> int:
    """The line where the mapping holding the changed text starts: its step («  - field:»), or the top."""
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == changed.splitlines()[0].strip())
    return next((i + 1 for i in range(at, -1, -1) if lines[i].startswith("  - field:")), 1)


@pytest.mark.parametrize("name, old, new, message", [
    ("khai_tu.yaml", "from_date: death_date", "from_date: place_of_death", "from_date must name an earlier date step"),
    ("khai_tu.yaml", "from_date: death_date\n    within_days: 15", "from_date: death_date", "it needs within_days"),
    ("khai_tu.yaml", "within_days: 15", "within_days: 15\n    at_least_years: 1", "within_days or at_least_years"),
    ("khai_tu.yaml", "type: name\n", "type: name\n    at_least_years: 3\n", "at_least_years must be"),
    ("khai_tu.yaml", "from_date: death_date", "from_date: death_date\n    ask: \"Còn hạn không?\"", "has no ask"),
    ("khai_tu.yaml", "type: name\n", "type: name\n    offer_stop: [\"yes\"]\n", "offer_stop lists answers that"),
    ("tam_tru.yaml", "offer_stop: [\"no\"]", "offer_stop: 5", "offer_stop lists answers that have a note"),
    ("dat_lich.yaml", "only_if: {visit_place:", "only_if: {phone:", "only_if must name an earlier choice"),
    ("dat_lich.yaml", "[\"Tại nhà (tình nguyện viên đến nhà)\"]}", "[\"Ở chợ\"]}", "and answers it has"),
    ("dat_lich.yaml", "only_if: {visit_place: [\"Tại nhà (tình nguyện viên đến nhà)\"]}", "only_if: visit_place",
     "only_if must be one field"),
    ("tam_tru.yaml", "\"Ở nhờ nhà người thân, người quen\"}", "\"Ở nhờ nhà người thân, họ hàng hoặc người quen\"}",
     "shorter button title of at most 35 characters"),
    ("tam_tru.yaml", "buttons: {\"Ở nhờ nhà người thân hoặc người quen\":", "buttons: {\"Ở nhờ\":",
     "buttons (only for choice steps) maps an option"),
])
def test_bad_from_date_or_offer_stop_is_refused(config_copy, name, old, new, message):
    path = break_file(config_copy, old, new, name=name)
    with pytest.raises(ProcedureFileError) as info:
        load_catalog(config_copy)
    assert str(path) in str(info.value) and message in str(info.value)


def test_guidance_only_needs_its_steps_to_follow(config_copy):
    path = config_copy / "procedures" / "quen_mat_khau_vneid.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("  online_steps:")] + text[text.index("  sources:"):], encoding="utf-8")
    with pytest.raises(ProcedureFileError, match="guidance only"):
        load_catalog(config_copy)


def test_empty_question_points_at_its_step_line(config_copy):
    path = config_copy / "procedures" / "tam_vang.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    ask_line = next(i for i, l in enumerate(lines) if l.strip().startswith("ask:"))
    lines[ask_line] = lines[ask_line].split("ask:")[0] + 'ask: ""'
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ProcedureFileError) as info:
        load_catalog(config_copy)
    reported = int(str(info.value).split(":")[1])
    assert "ask (the question) is empty" in str(info.value) and abs(reported - (ask_line + 1)) <= 3


def test_choice_without_options_is_refused(config_copy):
    path = config_copy / "procedures" / "dat_lich.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("choices:")
    end = text.index("\n", start)
    path.write_text(text[:start] + "choices: [Một]" + text[end:], encoding="utf-8")
    with pytest.raises(ProcedureFileError, match="choices must list 2–9"):
        load_catalog(config_copy)


def test_app_refuses_to_start_with_a_bad_file(config_copy, sqlite_url):
    break_file(config_copy, "type: date", "type: when")
    with pytest.raises(ProcedureFileError, match="tam_vang.yaml"):
        create_app(make_settings(sqlite_url, "http://127.0.0.1:9", config_dir=config_copy))


def test_wording_change_needs_no_code(config_copy, sqlite_url):
    break_file(config_copy, "title: ", "title: Khai báo tạm vắng (sửa bởi phường) # ", "tam_vang.yaml")
    catalog = load_catalog(config_copy)
    assert catalog.procedures["tam_vang"].title.startswith("Khai báo tạm vắng (sửa bởi phường)")
