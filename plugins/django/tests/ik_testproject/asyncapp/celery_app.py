"""The workers' Celery app, set up as the Celery docs set one up for Django, plus the task
module of ik-backends-async in ``include``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ik_testproject.asyncapp.worker_settings")

app = Celery("ik_testproject", include=["ik_backends_async.celery_tasks"])
app.config_from_object("django.conf:settings", namespace="CELERY")
