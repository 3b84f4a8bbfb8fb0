"""gunicorn settings for the web processes: `gunicorn wsgi:app`.

Web workers only answer HTTP. Exactly one `flask --app wsgi worker` process (on one host) processes
events, sends replies and runs the scheduler.
"""
import os
import shutil
import tempfile

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8080')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 30
accesslog = None  # access logs would carry Zalo user ids in query strings of other routes

# /metrics (METRICS_TOKEN): the web processes count webhook deliveries in files of one folder, so a scrape
# answered by any of them reports them all. Set before the workers import the app; emptied at each start.
OWN_METRICS_FOLDER = None
if os.environ.get("METRICS_TOKEN") and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    OWN_METRICS_FOLDER = tempfile.mkdtemp(prefix="bot-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = OWN_METRICS_FOLDER


def on_starting(server):  # noqa: ARG001 - gunicorn hook
    """Apply migrations once, in the master, before any worker serves."""
    from bot.store import make_engine, upgrade_schema
    from config import load_settings

    engine = make_engine(load_settings().database_url)
    upgrade_schema(engine)
    engine.dispose()


def on_exit(server):  # noqa: ARG001 - gunicorn hook
    if OWN_METRICS_FOLDER:
        shutil.rmtree(OWN_METRICS_FOLDER, ignore_errors=True)
