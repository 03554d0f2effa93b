"""A second Minga process for tests/site/test_shared_cache.py: reads addresses on stdin, one a line, renders
each as an anonymous visitor in Spanish (Django's test client, every middleware) and writes one JSON line
with the status and the page. Its settings and database come from the environment, as a worker's do."""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minga.settings")

import django
from django.conf import settings

# Rendered pages need no collected (hashed) static files.
settings.STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
django.setup()

from django.test import Client  # noqa: E402

client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="es")
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    response = client.get(line.strip())
    print(json.dumps({"status": response.status_code, "body": response.content.decode()}), flush=True)
