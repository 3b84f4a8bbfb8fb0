"""Zalo's error table and the reply shapes the stand-in answers with (reference doc 5.1, 9)."""
from __future__ import annotations

import json
from typing import Any

from flask import Response, jsonify, request

ERROR_MESSAGES: dict[int, str] = {
    0: "Success",
    -32: "Your OA reached limit call api",
    -100: "attachment_id was expired",
    -200: "Send message failed",
    -204: "Offical Account is disable",
    -205: "Offical Account is not exist",
    -209: "Not supported this api",
    -210: "Parameter exceeds allowable limit",
    -211: "Out of quota",
    -212: "App has not registed this api",
    -213: "User has not followed OA",
    -214: "Article is being processed",
    -216: "Access token is invalid",
    -217: "User has blocked invitation from OA",
    -218: "Out of quota receive",
    -219: "App is removed or disabled",
    -220: "access_token is expired or removed",
    -221: "The OA needs to be verified to use this feature",
    -223: "Official Account has not authorized this API",
    -224: "The OA needs to upgrade OA Tier Package to use this feature",
    -227: "User is banned or has been inactive for more than 45 days",
    -230: "User has not interacted with the OA in the past 7 days",
    -232: "User has not interacted with the OA, or the last interaction has expired",
    -233: "message type is invalid or not support",
    -234: "This message cannot be sent at night (10:00PM - 6:00AM)",
    -235: "This API does not support this type of OA",
    -237: "The group is disabled",
    -238: "asset_id is already used",
    -240: "MessageV2 API has been shut down, please switch to MessageV3",
    -241: "asset_id is already used",
    -242: "Invalid appsecret_proof provided in the API argument",
    -244: "User has restricted this message type from your OA",
    -248: "Violates our platform standards",
    -249: "Template does not support send via UID",
    -320: "Your app needs to connect with Zalo Cloud Account to use paid features",
    -321: "Zalo Cloud Account associated with this app is out of money or unable to be charged",
    -403: "OA is not in group",
    -1340: "Cannot find this form",
    -1341: "OA has no access to this form",
}

# Zalo's auth headers contain underscores (access_token, secret_key), which WSGI servers drop;
# the stand-in's request handler keeps the raw header names under this environ key.
RAW_HEADERS_KEY = "zalo_standin.raw_headers"
_FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})


def error_message(code: int, field: str | None = None) -> str:
    """Return Zalo's message for an error code; -201 names the offending field."""
    if code == -201:
        return f"{field or 'data'} is invalid!"
    return ERROR_MESSAGES.get(code, "Unknown error")


def ok(data: Any = None) -> Response:
    """Answer a successful API call: {"data": ..., "error": 0, "message": "Success"}."""
    body: dict[str, Any] = {} if data is None else {"data": data}
    return jsonify({**body, "error": 0, "message": "Success"})


def fail(code: int, field: str | None = None) -> Response:
    """Answer an API error the Zalo way: HTTP 200 with a non-zero error."""
    return jsonify({"error": code, "message": error_message(code, field)})


def oauth_fail(code: int, name: str, reason: str) -> Response:
    """Answer an OAuth error: HTTP 200, no access_token key."""
    return jsonify({"error": code, "error_name": name, "error_reason": reason,
                    "ref_doc": "https://developers.zalo.me/docs/official-account",
                    "error_description": f"{name}: {reason}"})


def header(name: str) -> str | None:
    """Return a request header by its exact name, underscores included."""
    raw = request.environ.get(RAW_HEADERS_KEY)
    if raw is not None:
        return raw.get(name.lower())
    return request.headers.get(name)


def json_body() -> dict[str, Any]:
    """Return the request's JSON object body, or {} if it has none."""
    if request.mimetype in _FORM_TYPES:
        return {}
    body = request.get_json(force=True, silent=True)
    return body if isinstance(body, dict) else {}


def query_data() -> dict[str, Any] | None:
    """Return the JSON object in the `data` query parameter ({} if absent, None if malformed)."""
    raw = request.args.get("data")
    if raw is None:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
