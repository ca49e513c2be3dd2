"""Cache files described as plain-JSON payloads (docs/hooks.md), rebuilt in another process.
Nothing here imports a framework or an image library, or knows a kind of source: plugins
describe and reopen sources."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from ik_host.cachefile import CacheFile
from ik_host.errors import IKError, NotRegistered
from ik_host.generators import generator_id_of, generator_registry
from ik_host.paths import source_name
from ik_host.plugins import get_plugin_manager
from ik_host.registry import import_path

PAYLOAD_VERSION = 1


class PayloadError(IKError):
    """A cache file cannot be described as a payload, or a payload cannot be rebuilt."""


class SourceGone(PayloadError):
    """The source a payload names no longer exists (its model row was deleted): nothing to make."""


class CacheFileNameMismatch(PayloadError):
    """The rebuilt cache file is not the one the requester named (code or settings differ)."""

    def __init__(self, message: str, file: Any) -> None:
        super().__init__(message)
        self.file = file


def _imported(path: str) -> Any:
    try:
        return import_path(path)
    except (ImportError, ValueError) as exc:
        raise ImportError(f"{path!r} is not importable here: {exc}") from exc


# -- describing ----------------------------------------------------------------------------------


def describe(file: Any, *, force: bool = False, generator_id: str | None = None) -> dict[str, Any]:
    """The payload of cache file ``file``; ``generator_id`` saves looking the generator up."""
    generator = file.generator
    payload: dict[str, Any] = {"version": PAYLOAD_VERSION}
    payload.update(describe_generator(generator, generator_id))
    payload["source"] = describe_source(getattr(generator, "source", None))
    payload["cachefile"] = file.name
    payload["force"] = bool(force)
    try:
        json.dumps(payload)
    except (TypeError, ValueError) as exc:
        raise PayloadError(
            f"the payload for {file.name!r} is not plain JSON ({exc}); a generator's "
            "get_generator_kwargs() must return JSON types only"
        ) from exc
    return payload


def describe_generator(generator: Any, generator_id: str | None = None) -> dict[str, Any]:
    """``{"generator_id": ...}`` or ``{"generator_path": ...}``, with any ``generator_kwargs``."""
    described: dict[str, Any] = {}
    generator_id = generator_id or generator_id_of(generator)
    if generator_id is not None:
        described["generator_id"] = generator_id
    else:
        cls = type(generator)
        path = f"{cls.__module__}.{cls.__qualname__}"
        try:
            importable = _imported(path) is cls
        except ImportError:
            importable = False
        if not importable:
            raise PayloadError(
                f"{path} is neither registered (ik_host.generators, imagekit.register.generator "
                "in Django) nor importable by that path, so another process cannot make it"
            )
        described["generator_path"] = path
    get_kwargs = getattr(generator, "get_generator_kwargs", None)
    kwargs = dict(get_kwargs()) if get_kwargs is not None else {}
    if kwargs:
        described["generator_kwargs"] = kwargs
    return described


def describe_source(source: Any) -> dict[str, Any] | None:
    """How another process finds ``source`` (``ik_describe_source``); ``PayloadError`` if none."""
    if source is None:
        return None
    name = source_name(source)
    if not name:
        raise PayloadError(f"the source {source!r} has no name, so no other process can find it")
    reference = get_plugin_manager().hook.ik_describe_source(source=source)
    if reference is not None:
        return dict(reference)
    raise PayloadError(
        f"no installed plugin can describe the source {name!r} ({type(source).__name__}) to "
        "another process (the defaults describe a file on this machine's disk, the Django app a "
        "model's file or a file in a shared storage); it cannot leave this process"
    )


# -- rebuilding ----------------------------------------------------------------------------------


def open_source(ref: Mapping[str, Any]) -> Any:
    """The source ``ref`` (a payload's ``"source"``) stands for, reopened in this process."""
    source = get_plugin_manager().hook.ik_open_source(ref=dict(ref))
    if source is not None:
        return source
    raise PayloadError(
        f"no plugin here can open the payload's source {dict(ref)!r}: is the plugin that "
        "described it (the defaults, for a local file; the Django app, for a model's file or a "
        "storage) installed and set up?"
    )


def rebuild(
    payload: Mapping[str, Any],
    *,
    check_name: bool = True,
    opener: Callable[[Mapping[str, Any]], Any] = open_source,
) -> Any:
    """The cache file ``payload`` describes, its source reopened by ``opener``."""
    version = payload.get("version")
    if version != PAYLOAD_VERSION:
        raise PayloadError(
            f"payload version {version!r} is not understood here (this code reads version "
            f"{PAYLOAD_VERSION}); run the same version of ik-host everywhere"
        )
    kwargs = dict(payload.get("generator_kwargs") or {})
    source_ref = payload.get("source")
    if source_ref is not None:
        kwargs["source"] = opener(source_ref)
    if "generator_id" in payload:
        try:
            factory = generator_registry.get_class(payload["generator_id"])
        except NotRegistered as exc:
            raise PayloadError(
                f"{exc} Does this process register the same generators as the requester?"
            ) from exc
        generator = factory(**kwargs)
    elif "generator_path" in payload:
        try:
            generator = _imported(payload["generator_path"])(**kwargs)
        except ImportError as exc:
            raise PayloadError(f"the payload's generator: {exc}") from exc
    else:
        raise PayloadError(f"the payload names no generator: {dict(payload)!r}")
    hook = get_plugin_manager().hook.ik_cachefile_for_payload
    file = hook(generator=generator)
    if file is None:  # not ``or``: a cache file's truth asks whether it exists
        file = CacheFile(generator)
    expected = payload.get("cachefile")
    if check_name and expected is not None and file.name != expected:
        raise CacheFileNameMismatch(
            f"this process names the cache file {file.name!r}, the requester named it "
            f"{expected!r}: do both run the same code and IMAGEKIT_* settings (or Config)?",
            file,
        )
    return file


def prepare_worker() -> None:
    """Let every plugin ready this process for work (the Django app sets Django up)."""
    get_plugin_manager().hook.ik_prepare_worker()
