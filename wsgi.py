"""WSGI entry point: `gunicorn wsgi:app` (web) and `flask --app wsgi …` (commands)."""
from bot import create_app
from bot.cli.doctor import doctor_only_app, doctor_requested

try:
    app = create_app()
except Exception as problem:  # noqa: BLE001 - wrong settings, a broken procedure file, anything
    if not doctor_requested():
        raise
    app = doctor_only_app(problem)  # `flask --app wsgi doctor` names what stops the start, then exits 1
