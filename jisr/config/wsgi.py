"""WSGI entry point (gunicorn jisr.config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jisr.config.settings")
application = get_wsgi_application()
