from django import forms
from imagekit.forms import ProcessedImageField
from imagekit.processors import ResizeToFit, Transpose

from gallery.models import Photo

MAX_SIDE = 2048


class PhotoUploadForm(forms.ModelForm):
    # The upload is processed while the form is cleaned: turned upright by its EXIF
    # orientation, capped at MAX_SIDE and re-encoded as JPEG. A file Pillow cannot read is an
    # ordinary validation error shown next to the field.
    image = ProcessedImageField(
        label="Photo",
        processors=[Transpose(), ResizeToFit(MAX_SIDE, MAX_SIDE, upscale=False)],
        format="JPEG",
        options={"quality": 90},
        help_text=f"JPEG, PNG, WebP or GIF; stored as a JPEG of at most {MAX_SIDE} px a side.",
    )

    class Meta:
        model = Photo
        fields = ["title"]

    def save(self, commit: bool = True) -> Photo:
        photo = super().save(commit=False)
        upload = self.cleaned_data["image"]
        photo.attach_image(upload.name, upload.read())
        if commit:
            photo.save()
        return photo
