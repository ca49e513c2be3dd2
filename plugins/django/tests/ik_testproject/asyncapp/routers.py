"""Sends the async app's models, and django-tasks-db's task rows, to the ``async`` database,
and nothing else there."""

ASYNC_APPS = {"asyncapp", "django_tasks_database"}  # django-tasks-db's app label
ASYNC_DB = "async"


class AsyncAppRouter:
    def db_for_read(self, model, **hints):
        return ASYNC_DB if model._meta.app_label in ASYNC_APPS else None

    db_for_write = db_for_read

    def allow_relation(self, obj1, obj2, **hints):
        return None

    def allow_migrate(self, db, app_label, **hints):
        if db == ASYNC_DB:
            return app_label in ASYNC_APPS
        return False if app_label in ASYNC_APPS else None
