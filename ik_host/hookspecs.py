"""Every hook the host calls, in one place.

Plugins implement these with ``@ik_host.hookimpl`` and are found through the ``ik_host``
entry-point group. The registration hooks are called once, when the registry is first built
(``ik_host.registry.get_registry()``), and their answers from every plugin are merged; a name
offered twice by different plugins for different objects is an error naming both.

Evolving a hook: adding a parameter is free (pluggy passes only what an implementation asks
for); a hook to be retired is first marked with ``warn_on_impl`` for a minor version, and is
removed only in the next major version (before 1.0, a minor version may change one).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from ik_host.config import Config
    from ik_host.formats import ImageFormat
    from ik_host.records import (
        Backend,
        Engine,
        Namer,
        Processor,
        StateCache,
        Storage,
        Strategy,
    )

PROJECT = "ik_host"
hookspec = pluggy.HookspecMarker(PROJECT)


@hookspec
def ik_register_processors() -> list[Processor]:
    """Processors this plugin provides.

    Called once per registry build. Return a list of ``ik_host.records.Processor``, each naming
    a class (or factory) whose instances have ``process(image) -> image``. The names are those a
    user writes (``"ResizeToFill"``) and that ``imagekit.processors`` re-exports.
    """


@hookspec
def ik_register_namers() -> list[Namer]:
    """Cache-file namers this plugin provides.

    Called once per registry build. Return a list of ``ik_host.records.Namer`` whose ``obj`` is
    ``namer(generator) -> str``: the storage-relative name of the generator's cache file.
    """


@hookspec
def ik_register_strategies() -> list[Strategy]:
    """Cache-file strategies (when to generate) this plugin provides.

    Called once per registry build. Return a list of ``ik_host.records.Strategy`` whose ``obj``
    is a class; the host instantiates it with no arguments.
    """


@hookspec
def ik_register_backends() -> list[Backend]:
    """Cache-file backends (how to generate) this plugin provides.

    Called once per registry build. Return a list of ``ik_host.records.Backend`` whose ``obj`` is
    a class; the host instantiates it once with no arguments and reuses that instance.
    """


@hookspec
def ik_register_storages() -> list[Storage]:
    """Storages for cache files this plugin provides.

    Called once per registry build. Return a list of ``ik_host.records.Storage`` whose ``obj`` is
    a class; the host instantiates it once with no arguments and reuses that instance.
    """


@hookspec
def ik_register_state_caches() -> list[StateCache]:
    """Caches that keep cache-file states (exists, generating, ...) this plugin provides.

    Called once per registry build. Return a list of ``ik_host.records.StateCache`` whose
    ``obj`` is a class with ``get/set/add/delete``; the host instantiates it with no arguments.
    """


@hookspec
def ik_register_engines() -> list[Engine]:
    """Image engines (what decodes, processes and encodes) this plugin provides.

    Called once per registry build. Return a list of ``ik_host.records.Engine`` whose ``obj``
    is a class; the host instantiates it once with no arguments. A spec picks one by its
    ``engine`` attribute, else the configured default (``"pillow"``). An engine that cannot
    run some processor must hand the whole job to the Pillow engine, not fail.
    """


@hookspec(firstresult=True)
def ik_config() -> Config | None:
    """The configuration components fall back on: cache-file directory, default backend, ...

    Called by ``ik_host.config.get_config()`` the first time it is needed and again after
    ``ik_host.config.reset_config()``. The first non-None answer wins, so a framework
    integration answers before the defaults plugin (which marks its answer ``trylast``).
    """


@hookspec(firstresult=True)
def ik_describe_source(source: Any) -> dict[str, Any] | None:
    """A plain-JSON reference to ``source`` that a worker process can reopen, or None.

    Called by ``ik_host.payloads.describe_source`` when a cache file is put on a queue or sent
    to a ``generateimages`` worker, for every source with a name (a path included): the host
    knows no kind of source, and with no answer the source cannot leave its process. Return a
    dict with a ``"name"`` key (the name the source is known by, which the cache-file name is
    computed from) and whatever the same plugin's ``ik_open_source`` needs to reopen it
    elsewhere; None lets other plugins try. The first non-None answer wins. The Django app
    describes a model's file field by its row and a file in a Django storage by the storage's
    alias or deconstruction; the defaults plugin, last (``trylast``), a path or a file on this
    machine's disk as ``{"path", "name"}``.
    """


@hookspec(firstresult=True)
def ik_open_source(ref: dict[str, Any]) -> Any | None:
    """The source that ``ref`` (an ``ik_describe_source`` answer) stands for, reopened here.

    Called by ``ik_host.payloads.open_source`` in a worker rebuilding a payload, after
    ``ik_prepare_worker``. Return a file-like source the engines can read (opened lazily, as a
    worker may not need it), or None for a reference this plugin did not make; the first
    non-None answer wins (the defaults plugin opens a ``{"path", "name"}`` reference, last), and
    with none the host raises ``PayloadError``. Raise ``ik_host.payloads.SourceGone`` when the
    source no longer exists (a deleted model row): the worker then drops the task.
    """


@hookspec(firstresult=True)
def ik_cachefile_for_payload(generator: Any) -> Any | None:
    """The cache-file object for ``generator``, rebuilt from a payload, or None.

    Called by ``ik_host.payloads.rebuild`` once the generator is made. A framework whose cache
    files are a ``ik_host.cachefile.CacheFile`` subclass answers with one (the Django app: an
    ``ImageCacheFile``, which a project's signal receivers expect); None for all: the host's
    ``CacheFile``. The first non-None answer wins.
    """


@hookspec(firstresult=True)
def ik_save_cachefile(storage: Any, name: str, content: Any, replace: bool) -> str | None:
    """Store a newly generated cache file in ``storage``, if this plugin knows it better than
    its ``save`` method does; the name it was stored under, or None to leave it to the host.

    Called by ``CacheFile.make`` (``ik_host.cachefile.save_cachefile``) once per generation.
    ``content`` is the engine's ``GeneratedImage``; with ``replace`` an existing file of that
    name is to be overwritten (a forced generation), otherwise kept, the new one saved under a
    free name as a Django storage does. Without an answer the host calls ``storage.save``;
    when replacing and the storage saved beside the old file, it deletes the old one and saves
    again under the name. The Django app answers for Django's
    ``FileSystemStorage``, which writes in place: it writes a temporary file and renames it,
    so no reader sees half a file. The first non-None answer wins.
    """


@hookspec(firstresult=True)
def ik_storage_urls_are_stable(storage_class: type) -> bool | None:
    """Whether the URLs of storages of ``storage_class`` depend on the name alone while the
    configuration stands (neither signed nor expiring), or None when this plugin does not
    know the class. Answer for the class: its instances must all agree.

    Called once per storage class by ``ik_host.registry`` (the answer is kept with the
    registries); a cache file then remembers its URL while the configuration is the same
    object. The first non-None answer wins; with none, URLs are asked of the storage each time.
    The defaults answer for their filesystem storage, the Django app for Django's.
    """


@hookspec
def ik_cachefile_listeners() -> list[Callable[..., None]]:
    """Callables told of a cache file's events, as ``listener(file, event, **details)``:
    ``"on_existence_required"`` and ``"on_content_required"`` (no details), right after the
    strategy, on every access, so they must be cheap; ``"generated"`` after each generation
    (``seconds``, ``size`` in bytes) and ``"failed"`` after each failed one (``exception``,
    raised again once the listeners return).

    Called once per plugin-manager state, when the registries are built. The Django app answers
    with one that sends its signals (``existence_required``, ``content_required``,
    ``cachefile_generated``, ``cachefile_failed``) when a receiver is connected.
    """


@hookspec
def ik_prepare_worker() -> None:
    """Ready this process to rebuild and make cache files; the answer is ignored.

    Called by ``ik_host.payloads.prepare_worker`` in a worker process before it opens the
    sources of a task (by ``ik_backends_async``'s Celery, RQ and Dramatiq workers on every task,
    and when its Dramatiq actor is declared), so it must be cheap when already done. The Django
    app calls ``django.setup()`` there when the settings are configured and the apps are not yet
    loaded (a plain ``rq worker`` or ``dramatiq`` process).
    """


@hookspec(firstresult=True)
def ik_resolve_alias(kind: str, name: str) -> Any | None:
    """The object a framework's own alias ``name`` stands for as a component of ``kind``, or None.

    Called by ``ik_host.registry.resolve`` for every name it resolves (``kind`` is one of the
    registration kinds: ``"storage"``, ``"state_cache"``, ...), before registered names and
    dotted paths, so an alias the user configured in the framework wins. Resolving is memoised
    per configuration by ``ik_host.components``, so this is not called on warm paths. Return the
    object itself (an instance or a class, as a registered component would be), or None for a
    name this plugin does not know. The first non-None answer wins. The Django app answers
    ``STORAGES`` aliases for storages and ``CACHES`` aliases for state caches.
    """


@hookspec(firstresult=True)
def ik_install_hint(kind: str, name: str) -> str | None:
    """What to install for a component of ``kind`` named ``name`` that nothing provides, or None.

    Called by ``ik_host.registry`` while building an unknown-name error (the name as written:
    a short name or a dotted path). Return the command (``pip install ik-foo``, say) when
    this plugin knows which distribution provides that name; None otherwise. The first non-None
    answer wins; with none, the error lists only the names that exist. The host itself knows no
    distribution names, so a plugin with optional extras (the Django app) answers for them.
    """


@hookspec
def ik_image_formats() -> list[ImageFormat]:
    """Every image format this plugin's engine reads or writes: the host has no table of its own.

    Called by ``ik_host.formats`` once per plugin manager state, and again whenever a format
    name or a file extension is not among the answers, so a format an image library learns
    while the process runs (``pillow_heif.register_heif_opener()``) is found. Return a list of
    ``ik_host.formats.ImageFormat``: the format's name, its extensions (the one to write
    first), whether it can be written, and its MIME type if known. Where plugins answer the
    same name or extension, the first answer wins. The Pillow engine answers with Pillow's
    registry, so an engine installed beside it (libvips) need not answer.
    """
