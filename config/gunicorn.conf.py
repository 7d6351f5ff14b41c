# gunicorn settings for the production example (see README.md).
#   TRYTOND_CONFIG=config/production.conf TRYTOND_DATABASE__URI=... \
#   gunicorn -c config/gunicorn.conf.py trytond.application:app
import multiprocessing
import os

here = os.path.dirname(os.path.abspath(__file__))
# The databases whose pool each worker loads at start; without it the first
# request to a database fails.
os.environ.setdefault('TRYTOND_DATABASE_NAMES', 'gdcloud')
os.environ.setdefault(
    'TRYTOND_LOGGING_CONFIG', os.path.join(here, 'logging.conf'))

bind = os.environ.get('GDCLOUD_BIND', '127.0.0.1:8000')
# Workers keep no state between requests: PostgreSQL carries it, so add
# workers here and machines behind the load balancer as the load grows.
workers = int(os.environ.get(
        'GDCLOUD_WORKERS', multiprocessing.cpu_count() * 2 + 1))
worker_class = 'sync'
timeout = 120
graceful_timeout = 30
# Recycle workers now and then to bound their memory
max_requests = 2000
max_requests_jitter = 200
accesslog = '-'
