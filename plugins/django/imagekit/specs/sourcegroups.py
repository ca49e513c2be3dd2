"""Source groups: which source files a generator is used with, and when one changes.

``ImageFieldSourceGroup(Profile, 'avatar')`` stands for the ``avatar`` image of every Profile
(and of every model inheriting it, abstract parents included). It sends ``source_saved`` when a
saved instance's image is new or changed, and ``files()`` yields every instance's image, for
``generateimages``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models.signals import class_prepared, post_init, post_save

from imagekit.signals import source_saved

_DEFERRED: Any = object()


def _file_name(value: Any) -> str | None:
    """The stored name of a file field's raw value (a name, a File or a FieldFile)."""
    if value is None or isinstance(value, str):
        return value or None
    return getattr(value, "name", None) or None


def _python_subclasses(cls: type) -> Iterator[type]:
    yield cls
    for subclass in cls.__subclasses__():
        yield from _python_subclasses(subclass)


class ImageFieldSourceGroup:
    """The image in ``image_field_name`` of every instance of ``model_class``."""

    def __init__(self, model_class: type[models.Model], image_field_name: str) -> None:
        self.model_class = model_class
        self.image_field = image_field_name
        # post_init remembers the image's name here; post_save compares with it.
        self._memo = f"_ik_source_name_{image_field_name}"
        self._connected: set[type] = set()
        # Signals are sent with the concrete class as sender, so each inheriting model (abstract
        # parent, multi-table child, proxy) is connected as it appears.
        for model in _python_subclasses(model_class):
            self._connect(model)
        class_prepared.connect(self._class_prepared, weak=False)

    def _class_prepared(self, sender: type, **kwargs: Any) -> None:
        if issubclass(sender, self.model_class):
            self._connect(sender)

    def _connect(self, model: type) -> None:
        if getattr(model, "_meta", None) is None or model._meta.abstract:
            return
        if model in self._connected:
            return
        self._connected.add(model)
        post_init.connect(self._remember, sender=model, weak=False)
        post_save.connect(self._compare, sender=model, weak=False)

    def _remember(self, instance: models.Model, **kwargs: Any) -> None:
        value = instance.__dict__.get(self.image_field, _DEFERRED)
        if value is not _DEFERRED:  # a deferred field is not read: that would be a query
            instance.__dict__[self._memo] = _file_name(value)

    def _compare(
        self, instance: models.Model, created: bool = False, raw: bool = False, **kwargs: Any
    ) -> None:
        if raw:
            return  # fixtures load rows as they are; their files may not even exist yet
        value = instance.__dict__.get(self.image_field, _DEFERRED)
        if value is _DEFERRED:
            return
        name = _file_name(value)
        previous = instance.__dict__.get(self._memo)
        instance.__dict__[self._memo] = name
        if name and (created or name != previous):
            source_saved.send(sender=self, source=getattr(instance, self.image_field))

    def models(self) -> list[type[models.Model]]:
        """The models whose tables hold this group's rows, each table once."""
        if not self.model_class._meta.abstract:
            return [self.model_class]
        found = [
            model
            for model in apps.get_models()
            if issubclass(model, self.model_class) and not model._meta.proxy
        ]
        # A multi-table child's rows are already in its parent's table.
        return [
            model
            for model in found
            if not any(parent in found for parent in model._meta.get_parent_list())
        ]

    def files(self) -> Iterator[Any]:
        """Every instance's image file (empty fields skipped)."""
        for model in self.models():
            for instance in model._default_manager.order_by("pk").iterator():
                file = getattr(instance, self.image_field)
                if file:
                    yield file

    def __repr__(self) -> str:
        meta = self.model_class._meta
        return f"<ImageFieldSourceGroup {meta.app_label}.{meta.object_name}.{self.image_field}>"


_shared: dict[tuple[type, str], ImageFieldSourceGroup] = {}


def source_group_for(
    model_class: type[models.Model], image_field_name: str
) -> ImageFieldSourceGroup:
    """The one group of a model's image field, shared by every spec field using it, so a save
    sends ``source_saved`` once."""
    key = (model_class, image_field_name)
    if key not in _shared:
        _shared[key] = ImageFieldSourceGroup(model_class, image_field_name)
    return _shared[key]


__all__ = ["ImageFieldSourceGroup", "source_group_for"]
