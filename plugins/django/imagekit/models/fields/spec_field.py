"""``ImageSpecField``: a virtual model field whose value is the cache file of a spec.

::

    class Profile(models.Model):
        avatar = models.ImageField(upload_to='avatars')
        avatar_thumbnail = ImageSpecField(source='avatar', processors=[ResizeToFill(100, 50)],
                                          format='JPEG', options={'quality': 60})

It adds no column and makes no query: ``profile.avatar_thumbnail`` is an ``ImageCacheFile`` of
the spec applied to ``profile.avatar``. The spec is registered as a generator (under ``id=``, or
``"<app_label>:<model_name>:<field_name>"``) and the source field as its source group, so
``generateimages`` and the ``source_saved`` strategies know of it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.signals import class_prepared

from ik_host.cachefile import warm_cachefile
from ik_host.paths import source_key
from imagekit.cachefiles import ImageCacheFile
from imagekit.registry import register
from imagekit.retired import reject_retired_arguments
from imagekit.specs import SpecHost
from imagekit.specs.sourcegroups import source_group_for


class ImageSpecFileDescriptor:
    """``instance.<field>``: the cache file, rebuilt only when the source file changes."""

    def __init__(self, field: ImageSpecField, attname: str) -> None:
        self.field = field
        self.attname = attname
        self.memo = f"_ik_cachefile_{attname}"

    def __get__(self, instance: models.Model | None, owner: type | None = None) -> Any:
        if instance is None:
            return self.field
        if self.attname in instance.__dict__:  # assigned explicitly
            return instance.__dict__[self.attname]
        source = getattr(instance, self.field.source_field_name)
        name = getattr(source, "name", None)
        memo = instance.__dict__.get(self.memo)
        if memo is not None and memo[0] is source and memo[1] == name:
            return memo[2]
        file = warm_cachefile(
            (self.field, source_key(source, name)) if name else None,
            lambda: ImageCacheFile(self.field.get_spec(source=source)),
            source,
        )
        instance.__dict__[self.memo] = (source, name, file)
        return file

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.attname] = value


class ImageSpecField(SpecHost):
    """The cache file of a spec of ``source`` (another field of the model), as an attribute."""

    def __init__(
        self,
        processors: Any = None,
        format: str | None = None,
        options: dict[str, Any] | None = None,
        source: str | None = None,
        cachefile_storage: Any = None,
        autoconvert: bool | None = None,
        cachefile_backend: Any = None,
        cachefile_strategy: Any = None,
        spec: Any = None,
        id: str | None = None,  # noqa: A002
        limits: Any = None,
        **retired: Any,
    ) -> None:
        reject_retired_arguments("ImageSpecField", retired)
        super().__init__(
            processors=processors,
            format=format,
            options=options,
            autoconvert=autoconvert,
            spec=spec,
            spec_id=id,
            cachefile_storage=cachefile_storage,
            cachefile_backend=cachefile_backend,
            cachefile_strategy=cachefile_strategy,
            limits=limits,
        )
        self.source = source
        self.model: type[models.Model] | None = None
        self.attname: str | None = None
        self._source_field_name = source

    def contribute_to_class(self, cls: type[models.Model], name: str) -> None:
        self.model = cls
        self.attname = name
        setattr(cls, name, ImageSpecFileDescriptor(self, name))
        if self.spec_id is None:
            meta = cls._meta
            self.set_spec_id(f"{meta.app_label}:{meta.model_name}:{name}")
        # The source group needs the model's fields, complete only once the class is prepared
        # (for an abstract model: once a concrete model inherits it).
        class_prepared.connect(self._class_prepared, weak=False)

    def _class_prepared(self, sender: type, **kwargs: Any) -> None:
        if self.model is None or not issubclass(sender, self.model):
            return
        class_prepared.disconnect(self._class_prepared)
        group = source_group_for(self.model, self.source_field_name)
        register.source_group(self.spec_id, group)

    @property
    def source_field_name(self) -> str:
        """``source=``, or the model's only ImageField when none was given."""
        if self._source_field_name is None:
            self._source_field_name = self._implicit_source()
        return self._source_field_name

    def _implicit_source(self) -> str:
        assert self.model is not None
        names = [f.name for f in self.model._meta.fields if isinstance(f, models.ImageField)]
        if len(names) == 1:
            return names[0]
        meta = self.model._meta
        found = f"it has {len(names)} ({', '.join(names)})" if names else "it has none"
        raise ImproperlyConfigured(
            f"ImageSpecField {meta.label}.{self.attname} has no source= and the model must "
            f"then have exactly one ImageField, but {found}. Pass source='<field name>'."
        )

    def __repr__(self) -> str:
        where = f"{self.model._meta.label}.{self.attname}" if self.model else "unbound"
        return f"<ImageSpecField {where} ({self.spec_id})>"
