"""``ProcessedImageField`` for forms: the upload is processed once, in ``clean()``.

::

    class ProfileForm(forms.Form):
        avatar_thumbnail = ProcessedImageField(processors=[ResizeToFill(100, 50)],
                                               format='JPEG', options={'quality': 60})

``cleaned_data['avatar_thumbnail']`` is an uploaded file holding the processed image, named
with the extension of its format, ready for a plain ImageField. An upload that is not a usable
image is a normal validation error naming the file.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _

from ik_host.config import get_config
from ik_host.errors import SourceImageError, SourceTooLarge
from ik_host.formats import format_to_mimetype
from ik_processors_pilkit.pillow_io import open_image
from imagekit.exceptions import AlreadyRegistered
from imagekit.models.fields.processed_field import processed_name
from imagekit.specs import SpecHost


class ProcessedImageField(SpecHost, forms.ImageField):
    # SpecHost first: Django's Field.__init__ ends with super().__init__(), which must not reach
    # SpecHost again and reset the spec.
    default_error_messages = {
        "invalid_named_image": _(
            "Upload a valid image. “%(name)s” is not an image, or it is damaged: %(reason)s"
        ),
        "image_too_large": _("Upload a smaller image. “%(name)s” is too large: %(reason)s"),
    }

    def __init__(
        self,
        spec_id: str | None = None,
        processors: Any = None,
        format: str | None = None,
        options: dict[str, Any] | None = None,
        autoconvert: bool = True,
        limits: Any = None,
        **kwargs: Any,
    ) -> None:
        builds = processors is not None or format is not None or options is not None
        SpecHost.__init__(
            self,
            processors=processors,
            format=format,
            options=options,
            # Only part of a spec built here: with spec_id alone, the registered spec decides.
            autoconvert=autoconvert if builds or spec_id is None else None,
            spec_id=spec_id,
            limits=limits,
        )
        forms.ImageField.__init__(self, **kwargs)

    def set_spec_id(self, spec_id: str) -> None:
        """As ``SpecHost``'s, but an id already registered to another generator is kept as it
        is (django-imagekit's forms reuse an existing id this way): the first registration wins
        and the form still imports."""
        try:
            super().set_spec_id(spec_id)
        except AlreadyRegistered:
            self.spec_id = spec_id

    def to_python(self, data: Any) -> Any:
        try:
            return super().to_python(data)
        except ValidationError as exc:
            if exc.code not in ("invalid_image", "empty"):
                raise
            raise self._why_unreadable(data) from exc

    def clean(self, data: Any, initial: Any = None) -> Any:
        cleaned = super().clean(data, initial)
        if not cleaned or cleaned is initial or getattr(cleaned, "ik_processed", False):
            return cleaned  # nothing new uploaded, cleared, or already processed
        return self.process(cleaned)

    def process(self, upload: Any) -> SimpleUploadedFile:
        """The processed image of ``upload``, as a new uploaded file."""
        spec = self.get_spec(source=upload)
        try:
            generated = spec.generate()
        except SourceImageError as exc:
            raise self._invalid(upload, exc) from exc
        name = processed_name(upload.name, spec.format)
        result = SimpleUploadedFile(
            name, generated.getvalue(), content_type=format_to_mimetype(generated.format)
        )
        result.ik_processed = True
        return result

    def _why_unreadable(self, upload: Any) -> ValidationError:
        """The error for an upload Django's own check refused, with the cause the host finds
        (within the spec's limits: a bomb is refused from its header here too)."""
        limits = getattr(self.get_spec(source=upload), "limits", None) or get_config().limits
        try:
            open_image(upload, limits=limits)
        except SourceImageError as exc:
            return self._invalid(upload, exc)
        return self._invalid(upload, _("Pillow cannot read it"))

    def _invalid(self, upload: Any, reason: Any) -> ValidationError:
        """A validation error naming ``upload``; ``reason`` is a ``SourceImageError`` or text."""
        too_large = isinstance(reason, SourceTooLarge)
        if isinstance(reason, SourceImageError):
            reason = reason.cause
        return ValidationError(
            self.error_messages["image_too_large" if too_large else "invalid_named_image"],
            code="image_too_large" if too_large else "invalid_image",
            params={"name": getattr(upload, "name", None) or "the file", "reason": reason},
        )
