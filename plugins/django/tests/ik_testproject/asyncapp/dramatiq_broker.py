"""The workers' Dramatiq broker: ``dramatiq ik_testproject.asyncapp.dramatiq_broker
ik_backends_async.dramatiq_actors``. Django is set up first, so the actor module reads the
queue name from the settings."""

import os

import django
import dramatiq
from dramatiq.brokers.redis import RedisBroker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ik_testproject.asyncapp.worker_settings")
django.setup()
dramatiq.set_broker(RedisBroker(url=os.environ["IK_TEST_REDIS_URL"]))
