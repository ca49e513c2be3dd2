"""``AdminThumbnail``: a thumbnail column for a ModelAdmin's ``list_display``.

::

    class PhotoAdmin(admin.ModelAdmin):
        list_display = ("__str__", "admin_thumbnail")
        admin_thumbnail = AdminThumbnail(image_field="thumbnail")

``image_field`` names an ImageSpecField or a plain ImageField of the model, or is a callable
taking the instance and returning such a file. The column renders ``template`` (by default
``imagekit/admin/thumbnail.html``) with ``model`` (the instance), ``thumbnail`` (the file) and
``original_image`` (the spec's source for a spec field, the file itself for a plain ImageField).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db.models import Model
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from ik_host.errors import IKError

logger = logging.getLogger("imagekit.admin")

DEFAULT_TEMPLATE = "imagekit/admin/thumbnail.html"


class AdminThumbnail:
    """A ``list_display`` column showing ``image_field`` as a thumbnail linked to the original."""

    short_description = _("Thumbnail")

    def __init__(
        self,
        image_field: str | Callable[[Model], Any],
        template: str | None = None,
    ) -> None:
        self.image_field = image_field
        self.template = template or DEFAULT_TEMPLATE

    def get_file(self, obj: Model) -> Any:
        if callable(self.image_field):
            return self.image_field(obj)
        return getattr(obj, self.image_field)

    def __call__(self, obj: Model) -> SafeString | None:
        thumbnail = self.get_file(obj)
        if not _has_name(thumbnail):
            return None  # nothing uploaded: the admin shows its empty-value marker
        context = {"model": obj, "thumbnail": thumbnail, "original_image": original_of(thumbnail)}
        try:
            return render_to_string(self.template, context)
        except IKError as exc:
            # One broken upload must not take the whole change list down with it.
            logger.warning("admin thumbnail of %r failed: %s", obj, exc, exc_info=True)
            return format_html('<span class="imagekit-error" title="{}">{}</span>', exc, _("error"))


def original_of(file: Any) -> Any:
    """The image a thumbnail was made from: a spec's source, or the file itself."""
    generator = getattr(file, "generator", None)
    source = getattr(generator, "source", None)
    return source if source is not None else file


def _has_name(file: Any) -> bool:
    """Whether there is a file at all, without generating anything to find out.

    A cache file's truth would make it exist (and may even generate it); its source's name is
    the cheap question. A plain FieldFile is false when the field is empty.
    """
    generator = getattr(file, "generator", None)
    if generator is not None and hasattr(generator, "source"):
        return bool(getattr(generator.source, "name", generator.source))
    return bool(getattr(file, "name", file))
