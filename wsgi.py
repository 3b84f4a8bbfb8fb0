"""WSGI entry point: `gunicorn wsgi:app` (web) and `flask --app wsgi …` (commands)."""
from bot import create_app

app = create_app()
