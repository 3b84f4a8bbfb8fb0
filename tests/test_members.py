"""Members over time: follow and unfollow, names from Zalo's user detail, and the retention job."""
from __future__ import annotations

import json
from datetime import timedelta

from bot import texts
from bot.runtime.jobs import erase_expired, fill_member_names
from bot.sandbox import events as zalo
from bot.store.models import utcnow
from tests.conftest import APP_ID, OA_ID


def test_follow_unfollow_and_follow_again_with_the_name_zalo_gives(bot):
    bot.standin.state.users["fan-1"] = {"display_name": "Phạm Thị Hoa"}
    assert bot.post(zalo.follow_event(APP_ID, OA_ID, "fan-1")).status_code == 200
    bot.wait_idle()
    assert bot.inbox("fan-1")[0] == texts.WELCOME
    assert fill_member_names(bot.services) == 1
    assert fill_member_names(bot.services) == 0  # asked once, not on every tick
    with bot.services.store.unit() as uow:
        assert uow.members.get("fan-1").display_name == "Phạm Thị Hoa"
        assert [m.user_id for m in uow.announcements.audience([])] == ["fan-1"]

    bot.post(zalo.unfollow_event(APP_ID, OA_ID, "fan-1"))
    bot.wait_idle()
    with bot.services.store.unit() as uow:
        member = uow.members.get("fan-1")
        assert member.unfollowed_at is not None and member.display_name == "Phạm Thị Hoa"  # kept for history
        assert uow.announcements.audience([]) == []  # inactive: never messaged

    bot.post(zalo.follow_event(APP_ID, OA_ID, "fan-1"))
    bot.wait_idle()
    with bot.services.store.unit() as uow:
        assert uow.members.get("fan-1").unfollowed_at is None
        assert [m.user_id for m in uow.announcements.audience([])] == ["fan-1"]


def test_retention_erases_old_personal_data_and_keeps_the_counts(bot):
    now = utcnow()
    with bot.services.store.unit() as uow:
        old = uow.requests.create("TT", "tam_tru", "old-user", {"phone": "0911222333"}, "online")
        old.created_at = now - timedelta(days=800)
        recent = uow.requests.create("TT", "tam_tru", "new-user", {"phone": "0944555666"}, "online")
        uow.commit()
    bot.say("old-user", "xin chào")
    with bot.services.store.unit() as uow:
        for event in uow.events.sent_by_user_between("old-user", 10):
            event.received_at = now - timedelta(days=800)
        uow.commit()

    assert erase_expired(bot.services) == 1
    assert erase_expired(bot.services) == 0
    with bot.services.store.unit() as uow:
        rows = {r.code: r for r in uow.requests.all()}
        assert json.loads(rows[old.code].answers) == {} and rows[old.code].user_id.startswith("da-xoa-")
        assert json.loads(rows[recent.code].answers) == {"phone": "0944555666"}
        assert rows[recent.code].user_id == "new-user"
        assert uow.events.sent_by_user_between("old-user", 10) == []
        assert len(rows) == 2  # both still counted
