"""The settings a test session shares with the worker processes it starts.

Both sides build them from the same variables: the test process from its fixtures (through
pytest-django's ``settings``), a worker from its environment (``worker_settings``).
"""

# Variable -> what it holds.
VARIABLES = {
    "IK_TEST_REDIS_URL": "the Redis of the state cache and of the RQ and Dramatiq queues",
    "IK_TEST_KEY_PREFIX": "the state cache's key prefix, one per test session",
    "IK_TEST_QUEUE": "the queue name workers listen on",
    "IK_TEST_CELERY_BROKER_URL": "Celery's broker (Redis or RabbitMQ)",
}

SCHEDULE_TIMEOUT = 3
RETRY_AFTER = 2
LOCK_TIMEOUT = 3


def shared_settings(env):
    """``IMAGEKIT_*`` and cache settings from ``env`` (a mapping holding ``VARIABLES``)."""
    return {
        "CACHES_ENTRY": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env["IK_TEST_REDIS_URL"],
            "KEY_PREFIX": env["IK_TEST_KEY_PREFIX"],
        },
        "IMAGEKIT_CACHE_BACKEND": "ikasync",
        "IMAGEKIT_ASYNC_QUEUE": env["IK_TEST_QUEUE"],
        "IMAGEKIT_ASYNC_SCHEDULE_TIMEOUT": SCHEDULE_TIMEOUT,
        "IMAGEKIT_ASYNC_RETRY_AFTER": RETRY_AFTER,
        "IMAGEKIT_ASYNC_LOCK_TIMEOUT": LOCK_TIMEOUT,
        "IMAGEKIT_ASYNC_RQ_REDIS_URL": env["IK_TEST_REDIS_URL"],
    }
