"""The webhook signature and the reading of Zalo's event shapes (zalo-oa-api.md §3, §4)."""
import hashlib
import json

import pytest

from bot.events import MalformedEvent, parse_event
from bot.web import signature

RAW = '{"app_id":"360846524940903967","event_name":"user_send_text","timestamp":"1543908534740"}'.encode()


def test_signature_is_sha256_of_app_id_body_timestamp_secret():
    expected = hashlib.sha256(b"app1" + RAW + b"1543908534740" + b"secret").hexdigest()
    assert signature.sign("app1", RAW, "1543908534740", "secret") == "mac=" + expected


@pytest.mark.parametrize("header", [
    lambda good: good, lambda good: good.upper().replace("MAC=", "mac="), lambda good: good[4:],
    lambda good: "  " + good + " "])
def test_verify_accepts_the_right_mac_in_its_usual_spellings(header):
    good = signature.sign("app1", RAW, "1", "secret")
    assert signature.verify("app1", RAW, "1", "secret", header(good))


@pytest.mark.parametrize("header", [None, "", "mac=", "mac=" + "0" * 64])
def test_verify_rejects_missing_or_wrong_mac(header):
    assert not signature.verify("app1", RAW, "1", "secret", header)


def test_verify_fails_when_one_byte_of_the_body_changes():
    good = signature.sign("app1", RAW, "1", "secret")
    assert not signature.verify("app1", RAW.replace(b"text", b"texT"), "1", "secret", good)
    assert not signature.verify("app1", RAW, "2", "secret", good)
    assert not signature.verify("app1", RAW, "1", "other", good)


def test_user_text_event_reads_sender_as_user_and_recipient_as_oa():
    event = parse_event({"app_id": "a", "sender": {"id": "U1"}, "recipient": {"id": "OA1"},
                         "event_name": "user_send_text", "message": {"text": "xin chào", "msg_id": "m1"},
                         "timestamp": "1543908534740"})
    assert (event.user_id, event.oa_id, event.text, event.msg_id) == ("U1", "OA1", "xin chào", "m1")
    assert event.is_interaction and not event.is_receipt and not event.is_oa_echo
    assert event.dedupe_key == "user_send_text:m1"


def test_oa_echo_and_receipts_have_user_as_recipient_and_do_not_count_as_interaction():
    echo = parse_event({"sender": {"id": "OA1"}, "recipient": {"id": "U1"}, "event_name": "oa_send_text",
                        "message": {"text": "hi", "msg_id": "x"}, "timestamp": "1"})
    seen = parse_event({"sender": {"id": "OA1"}, "recipient": {"id": "U1"}, "event_name": "user_seen_message",
                        "message": {"msg_ids": ["a", "b"]}, "timestamp": "1"})
    assert (echo.user_id, echo.oa_id) == ("U1", "OA1") and echo.is_oa_echo
    assert seen.user_id == "U1" and seen.is_receipt and not seen.is_interaction
    assert seen.dedupe_key == "user_seen_message:a,b"


def test_follow_and_chatnow_shapes():
    follow = parse_event({"oa_id": "OA1", "follower": {"id": "U9"}, "event_name": "follow", "timestamp": "5"})
    chat = parse_event({"oa_id": "OA1", "user_id": "U8", "event_name": "user_click_chatnow", "timestamp": "6"})
    assert (follow.user_id, follow.oa_id, follow.is_interaction) == ("U9", "OA1", True)
    assert (chat.user_id, chat.is_interaction) == ("U8", True)
    assert follow.dedupe_key == "follow:U9:5"


def test_location_attachment_is_read():
    event = parse_event({"sender": {"id": "U1"}, "recipient": {"id": "OA"}, "event_name": "user_send_location",
                         "timestamp": "1", "message": {"msg_id": "m", "attachments": [
                             {"type": "location", "payload": {"coordinates": {"latitude": "10.76",
                                                                              "longitude": "106.65"}}}]}})
    assert event.attachments[0].type == "location"
    assert event.attachments[0].payload["coordinates"]["latitude"] == "10.76"


@pytest.mark.parametrize("body", [[], "x", {}, {"event_name": ""}, {"event_name": 5, "timestamp": "1"},
                                  {"event_name": "user_send_text"}, {"event_name": "a", "timestamp": True}])
def test_unreadable_bodies_are_malformed(body):
    with pytest.raises(MalformedEvent):
        parse_event(body)


def test_timestamp_kept_as_string_and_converted_for_time():
    event = parse_event(json.loads('{"event_name":"follow","timestamp":"1700000000000","follower":{"id":"u"}}'))
    assert event.timestamp == "1700000000000"
    assert event.at.year == 2023
