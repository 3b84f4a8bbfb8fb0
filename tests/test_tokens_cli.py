"""After Zalo refuses the refresh token (the OA's admin authorised the app again, or an old back-up was
restored), the operator puts the new pair in place with `flask --app wsgi tokens set`, and the running
bot answers residents again with it; `tokens show` says what is wrong without printing a token."""
from __future__ import annotations

from tests.conftest import wait_for


def cli(bot, *args: str, given: str | None = None):
    result = bot.app.test_cli_runner().invoke(args=list(args), input=given)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_new_token_pair_set_from_the_command_line_is_used_at_once(bot):
    state = bot.standin.state
    assert bot.say("resident-t", "xin chào")  # the seeded pair works
    with state.lock:  # authorised again in Zalo: the pair the bot holds is dead, refresh token included
        state.access_token, state.refresh_token = "access-new", "refresh-new"
    bot.say("resident-t", "1")
    wait_for(lambda: "refused" in cli(bot, "tokens", "show"), 20, "the refused refresh")
    shown = cli(bot, "tokens", "show")
    assert "Last refresh refused" in shown and "tokens set" in shown and "access-" not in shown

    output = cli(bot, "tokens", "set", given="access-new\nrefresh-new\n")  # asked for, not echoed
    assert "Stored for OA main" in output and "access-new" not in output and "refresh-new" not in output
    assert bot.say("resident-t", "menu")  # answered with the new token
    assert "no error" in cli(bot, "tokens", "show")
    assert state.refresh_count == 0  # nothing spent the new refresh token behind the operator's back
