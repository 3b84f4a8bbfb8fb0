"""Running the bot on a real server: back-ups (and the doctor's checks)."""
