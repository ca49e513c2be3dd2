"""``imagekit.ImageSpec`` for Django sources, and ``SpecHost``, which builds specs for fields.

The host's ``ImageSpec`` does the work (hashing, naming, the pipeline). Here the source may be a
Django file: it is opened through its storage when closed and closed again afterwards, and when
the spec is pickled a model's file field is stored as (instance, field) and fetched again on
first use, so no open file travels.
"""

from __future__ import annotations

from typing import Any

from django.db.models.fields.files import FieldFile

from ik_host.specs import ImageSpec as HostImageSpec
from imagekit.exceptions import MissingGeneratorId, MissingSource
from imagekit.registry import generator_registry, register
from imagekit.retired import reject_callable_processors


class _FieldFileRef:
    """A model instance's file field, fetched again from the instance when first needed."""

    def __init__(self, instance: Any, attname: str) -> None:
        self.instance = instance
        self.attname = attname

    def resolve(self) -> Any:
        return getattr(self.instance, self.attname)


class ImageSpec(HostImageSpec):
    """Make an image from ``source`` (a path, an open file or a Django file)."""

    #: Raised when something needing the source is asked of a spec that has none.
    MissingSource = MissingSource

    def _get_source(self) -> Any:
        source = self._source
        if isinstance(source, _FieldFileRef):
            source = self._source = source.resolve()  # same source: hash and name still hold
        return source

    source = property(_get_source, HostImageSpec.source.fset)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        source = state.get("_source")
        if isinstance(source, FieldFile) and getattr(source, "instance", None) is not None:
            state["_source"] = _FieldFileRef(source.instance, source.field.attname)
        return state

    def __reduce_ex__(self, protocol: Any) -> Any:
        # Specs built by SpecHost are classes made at run time: they unpickle by generator id.
        generator_id = type(self).__dict__.get("_ik_generator_id")
        if generator_id is None:
            return super().__reduce_ex__(protocol)
        return (_rebuild_spec, (generator_id,), self.__getstate__())


def _rebuild_spec(generator_id: str) -> ImageSpec:
    cls = generator_registry.get_class(generator_id)
    return cls.__new__(cls)


def make_spec_class(attrs: dict[str, Any], name: str = "FieldSpec") -> type[ImageSpec]:
    """An ``ImageSpec`` subclass with ``attrs`` (processors, format, options, ...)."""
    # A list or tuple is kept as it is: django-imagekit hashes it as given (a tuple and a list
    # make different names). Any other iterable is read once, here.
    if "processors" in attrs and not isinstance(attrs["processors"], (list, tuple)):
        attrs = {**attrs, "processors": list(attrs["processors"])}
    return type(name, (ImageSpec,), {**attrs, "__module__": __name__, "_ik_built": True})


class SpecHost:
    """Holds the spec of a field: given (``spec=``), registered (``spec_id=``) or built from the
    arguments. Built specs are registered under ``spec_id`` when there is one."""

    def __init__(
        self,
        processors: Any = None,
        format: str | None = None,
        options: dict[str, Any] | None = None,
        autoconvert: bool | None = None,
        spec: Any = None,
        spec_id: str | None = None,
        cachefile_storage: Any = None,
        cachefile_backend: Any = None,
        cachefile_strategy: Any = None,
        limits: Any = None,
    ) -> None:
        owner = type(self).__name__
        reject_callable_processors(owner, processors)
        attrs = {
            name: value
            for name, value in (
                ("processors", processors),
                ("format", format),
                ("options", options),
                ("autoconvert", autoconvert),
                ("cachefile_storage", cachefile_storage),
                ("cachefile_backend", cachefile_backend),
                ("cachefile_strategy", cachefile_strategy),
                ("limits", limits),
            )
            if value is not None
        }
        if spec is not None and attrs:
            raise TypeError(
                f"{owner} takes either spec= or the arguments to build a spec "
                f"({', '.join(sorted(attrs))}), not both"
            )
        if spec is None and (attrs or spec_id is None):
            spec = make_spec_class(attrs)
        self.spec = spec
        self.spec_id: str | None = None
        if spec_id is not None:
            self.set_spec_id(spec_id)

    @property
    def builds_spec(self) -> bool:
        """Whether the spec is this host's own, built from its arguments."""
        return self.spec is not None and bool(self.spec.__dict__.get("_ik_built"))

    def set_spec_id(self, spec_id: str) -> None:
        """Use the generator registered as ``spec_id``, registering this host's spec as it."""
        self.spec_id = spec_id
        if self.spec is None:
            return
        if self.builds_spec:
            self.spec._ik_generator_id = spec_id
        register.generator(spec_id, self.spec)

    def get_spec(self, source: Any) -> Any:
        if self.spec_id is not None:
            return generator_registry.get(self.spec_id, source=source)
        if self.spec is None:
            raise MissingGeneratorId(f"{type(self).__name__} has neither a spec nor a spec id")
        return self.spec(source=source)


__all__ = ["ImageSpec", "SpecHost", "make_spec_class"]
