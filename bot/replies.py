"""What handlers answer: plain values the worker writes to the outbox and the sender delivers."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Text:
    text: str
    kind: str = field(default="text", init=False)


MAX_BUTTONS = 5  # buttons Zalo shows under one message; a longer list is numbered text only
MAX_BUTTON_TITLE = 35  # characters of a button's title in Zalo


@dataclass(frozen=True)
class Choices:
    """A question with numbered options; sent with buttons where Zalo allows them. `buttons` may give a
    shorter title for an option's button ("" or missing: the option itself, shortened on a word).
    `payloads`, when given, are what each button sends back instead of its option, unseen in the chat
    (Zalo's oa.query.hide): an answer tied to what was asked (a sign-up's «#dangky 12»)."""

    text: str
    options: tuple[str, ...]
    buttons: tuple[str, ...] = ()
    payloads: tuple[str, ...] = ()
    kind: str = field(default="choices", init=False)

    def button_titles(self) -> list[str]:
        short = list(self.buttons) + [""] * (len(self.options) - len(self.buttons))
        return [button_title(option, title) for option, title in zip(self.options, short)]


def button_title(option: str, short: str = "") -> str:
    """What a button shows: the shorter title if given, else the option; cut on a word with «…» when
    longer than Zalo allows (the numbered list above the buttons keeps the whole option)."""
    title = (short or option).strip()
    if len(title) <= MAX_BUTTON_TITLE:
        return title
    cut = title[:MAX_BUTTON_TITLE - 1].rstrip()  # room for «…»
    if " " in cut:
        cut = cut[:cut.rfind(" ")]
    return cut.rstrip(" ,;:-–") + "…"


@dataclass(frozen=True)
class Image:
    """A photo by its address, or by the attachment id Zalo gave an upload (`url` then empty), or a proof
    photo kept in the database (`closing`, a request_closings id; `announcement`, an announcement's id),
    uploaded to Zalo when it is sent:
    an attachment id lasts only about 7 days, longer than a message may wait."""

    url: str
    caption: str = ""
    attachment_id: str = ""
    closing: int = 0
    announcement: int = 0  # a photo uploaded on the dashboard, kept with that announcement
    kind: str = field(default="image", init=False)


@dataclass(frozen=True)
class RequestInfo:
    title: str
    subtitle: str
    image_url: str = ""
    kind: str = field(default="request_info", init=False)


Reply = Text | Choices | Image | RequestInfo


@dataclass(frozen=True)
class To:
    """A reply for someone other than the sender (the volunteer of a handoff, a resident being helped).
    `about` names the resident whose words or data it carries, when that is not the sender (a notice a
    job or the dashboard writes): erasing that resident's data erases this copy too."""

    user_id: str
    reply: Reply
    about: str | None = None


def addressed(reply, sender_id: str | None) -> tuple[str | None, Reply]:
    """(who gets it, the reply itself): a To names its user; any other reply goes to the sender."""
    return (reply.user_id, reply.reply) if isinstance(reply, To) else (sender_id, reply)


def about_whom(reply, sender_id: str | None) -> str | None:
    """The person a copy for someone else is about: the resident it names, else the sender whose
    message caused it; None for a reply to the sender (their own row already names them)."""
    if not isinstance(reply, To) or reply.user_id == sender_id:
        return None
    return reply.about or sender_id


KINDS = {"text": Text, "choices": Choices, "image": Image, "request_info": RequestInfo}


def to_payload(reply: Reply) -> dict:
    """Serialise a reply for the outbox."""
    data = asdict(reply)
    data.pop("kind", None)
    if "options" in data:
        data["options"] = list(data["options"])
        data["buttons"] = list(data["buttons"])
        data["payloads"] = list(data["payloads"])
    return data


def from_payload(kind: str, payload: dict) -> Reply:
    """Rebuild a reply from an outbox row."""
    cls = KINDS[kind]
    if cls is Choices:
        return Choices(payload["text"], tuple(payload["options"]), tuple(payload.get("buttons", ())),
                       tuple(payload.get("payloads", ())))
    return cls(**payload)


def numbered(text: str, options: tuple[str, ...] | list[str]) -> str:
    """Render a question with '1. …' lines, the form every choice also has as plain text."""
    lines = [text] + [f"{i}. {option}" for i, option in enumerate(options, start=1)]
    return "\n".join(lines)
