"""WSGI entry point for gunicorn: ``gunicorn workerhub.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workerhub.settings")
application = get_wsgi_application()
