"""gunicorn's settings in production: `.venv/bin/gunicorn -c gunicorn.conf.py config.wsgi`.

Change one without editing this file on the command line (`--workers 5`) or in
GUNICORN_CMD_ARGS; WEB_CONCURRENCY sets the number of workers.
"""

import logging
import multiprocessing
import os

# Behind the web server of README.md ("Deploying") on the same machine.
bind = ["127.0.0.1:8000"]
# Synchronous workers, two a core and one more: a page takes 20-40 ms of work (README.md,
# "Benchmarks"), the rest is waiting on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# A page answers in well under a second, a large export in a few; a worker stuck for 30 s
# is restarted. Imports run in the background worker, not in a request.
timeout = 30
graceful_timeout = 30
# A worker is replaced after about a thousand requests, so that no leak grows for weeks.
max_requests = 1000
max_requests_jitter = 100

# One line a request on standard output: the path without its query string (a search, a
# token or a date never reaches the log), no referrer (its query string), no user agent.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'


def post_fork(server, worker):
    """NIKs are masked in the access log too, as in every log line of the app (README.md)."""
    from residents.log import MaskNiks

    logging.getLogger("gunicorn.access").addFilter(MaskNiks())
