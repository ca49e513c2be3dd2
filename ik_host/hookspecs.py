"""Every hook the host calls, in one place.

Plugins implement these with ``@ik_host.hookimpl`` and are found through the ``ik_host``
entry-point group. The registration hooks are called once, when the registry is first built
(``ik_host.registry.get_registry()``), and their answers from every plugin are merged; a name
offered twice by different plugins for different objects is an error naming both.

Evolving a hook: adding a parameter is free (pluggy passes only what an implementation asks
for); a hook to be retired is first marked with ``warn_on_impl`` for a minor version, and is
removed only in the next major version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from ik_host.config import Config
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


@hookspec
def ik_source_groups() -> list[tuple[str, Any]]:
    """The source groups this plugin knows of, as ``(generator_id, source_group)`` pairs.

    Called every time the host enumerates sources (for example by ``generateimages``), not cached,
    because groups are registered while an application starts. A source group has ``files()``
    yielding source files.
    """


@hookspec(firstresult=True)
def ik_config() -> Config | None:
    """The configuration components fall back on: cache-file directory, default backend, ...

    Called by ``ik_host.config.get_config()`` the first time it is needed and again after
    ``ik_host.config.reset_config()``. The first non-None answer wins, so a framework
    integration answers before the defaults plugin (which marks its answer ``trylast``).
    """
