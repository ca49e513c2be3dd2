"""Models, storages and queue setups for the tests of deferred generation (ik-backends-async).

Its models live in their own SQLite file (the ``async`` database), so the worker processes the
tests start see the rows the tests write; see ``routers`` and ``worker_settings``.
"""
