"""Where queue workers find imagekit's task: Celery's ``app.autodiscover_tasks()`` and
django-dramatiq import ``<app>.tasks`` for every installed app, this one included.

The task belongs to whichever plugin provides the deferring backends (ik-backends-async); this
app does not depend on it. Each registered backend that declares worker tasks
(``register_worker_tasks()``) is asked to, and declares them only with its queue library
installed, so nothing here imports a library that is missing.
"""

from __future__ import annotations

from ik_host.registry import get_registry
from imagekit.checks import refuse_mixed_install


def register_worker_tasks() -> list[str]:
    """Have every backend that has worker tasks declare them; the names of those that did."""
    declared: list[str] = []
    for entry in get_registry("backend").entries():
        register = getattr(entry.component.obj, "register_worker_tasks", None)
        if register is not None and register():
            declared.append(entry.component.name)
    return declared


refuse_mixed_install()  # a worker does not run the system checks: it must stop here
DECLARED = register_worker_tasks()

__all__ = ["DECLARED", "register_worker_tasks"]
