"""The workers' RQ settings module (``rq worker -c``). Setting Django up here, in the worker's
main process, means each job's forked work horse starts with Django ready."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ik_testproject.asyncapp.worker_settings")
django.setup()

REDIS_URL = os.environ["IK_TEST_REDIS_URL"]
