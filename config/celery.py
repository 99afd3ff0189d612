"""The Celery app: configured from Django settings (CELERY_*), tasks found in each app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("held")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Service-wide tasks (config/tasks.py) live outside the Django apps.
app.autodiscover_tasks(["config"])
