# gunicorn settings for the production example (see README.md).
# Run: TRYTOND_CONFIG=config/production.conf \
#      gunicorn -c config/gunicorn.conf.py trytond.application:app
import multiprocessing
import os

bind = os.environ.get('GDCLOUD_BIND', '127.0.0.1:8000')
# Workers hold no state between requests: PostgreSQL carries it.
workers = int(os.environ.get(
        'GDCLOUD_WORKERS', multiprocessing.cpu_count() * 2 + 1))
worker_class = 'sync'
timeout = 120
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
accesslog = '-'
