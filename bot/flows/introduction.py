"""A procedure's first message, short enough to read on a phone; checked at start-up, sent by the engine."""
from __future__ import annotations

from bot import texts
from bot.flows.procedures import Procedure
from bot.replies import Text

SHORT_PAPERS = 3  # the first message names this many papers; the rest come with «Xem thêm»


def introduction(procedure: Procedure) -> Text:
    """The first message, short: what the procedure is, whether the case fits, the first papers to bring."""
    bring = procedure.guidance.bring or procedure.guidance.papers[:SHORT_PAPERS]
    lines = [procedure.title, procedure.summary, procedure.fits, texts.GUIDANCE_BRING]
    lines += [f"- {p}" for p in bring]
    if not procedure.steps:  # guidance only: where to go matters as much as what to bring
        lines.append(f"{texts.GUIDED_WHERE} {procedure.guidance.where[0]}")
    return Text("\n".join(lines + [texts.MORE_HINT]))
