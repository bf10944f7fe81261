"""Gunicorn settings for production: `gunicorn -c python:onewindow.gunicorn_conf onewindow.wsgi`.

Sync workers suit short, database-bound views; (2 × cores) + 1 of them is Gunicorn's own advice.
`make bench` serves with exactly this file, so the benchmark measures what the README recommends.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")  # behind the hall's reverse proxy (TLS ends there)
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
timeout = 60  # a first certificate or notice PDF render is the slowest request
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None


def post_worker_init(worker):
    """Load the PDF engine and its cut-down CJK fonts before the first request, not during a clerk's first
    certificate download (about 1 s), and render the public guide pages into the worker's memory, not during
    its first visitors' requests. A failure here must not keep the worker from serving pages."""
    from onewindow.catalog.warmup import guide_pages_warm_up
    from onewindow.core.pdf import warm_up

    try:
        warm_up()
    except Exception:  # the first PDF will load the engine itself, or report what is missing
        worker.log.exception("PDF warm-up failed")
    try:
        guide_pages_warm_up()
    except Exception:  # the first visitors render the pages themselves
        worker.log.exception("guide page warm-up failed")


def on_starting(server):
    """Metrics in multiprocess mode (PROMETHEUS_MULTIPROC_DIR): start from an empty directory, as
    prometheus-client requires, so that counts of an earlier run are not added to this one."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        os.makedirs(path, exist_ok=True)
        for name in os.listdir(path):
            if name.endswith(".db"):
                os.remove(os.path.join(path, name))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
