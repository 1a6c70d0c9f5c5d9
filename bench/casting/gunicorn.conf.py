"""gunicorn settings for the ``--server gunicorn`` comparison in bench/casting.py.

Production runs granian (deploy/granian.env, docs/deployment.md); these were the
production settings until the casting benchmark measured that gunicorn's own per-request
work limits the cast rate on 2 cores (docs/performance.md, ELE-5). They are kept so the
benchmark can compare the two servers with the same application.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# One process per core, 8 threads each: requests mostly wait on PostgreSQL, and fewer
# processes on the cores give far shorter tails under load than 2 x cores + 1 processes
# of 2 threads (bench/casting.py, docs/performance.md). Each thread holds one database
# connection: keep workers x threads below PostgreSQL's max_connections.
workers = int(os.environ.get("GUNICORN_WORKERS", max(2, multiprocessing.cpu_count())))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
worker_class = "gthread"
timeout = 60
graceful_timeout = 30
max_requests = 10000
max_requests_jitter = 1000
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = "127.0.0.1"
wsgi_app = "tongxue.config.wsgi:application"
