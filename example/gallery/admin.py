from django.contrib import admin
from imagekit.admin import AdminThumbnail

from gallery.models import Photo


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ("admin_thumbnail", "title", "original_size", "uploaded")
    list_display_links = ("admin_thumbnail", "title")
    search_fields = ("title",)
    readonly_fields = ("sepia_preview", "original_width", "original_height")

    # The column shows Photo.thumbnail (the 200x200 spec), linked to the original.
    admin_thumbnail = AdminThumbnail(image_field="thumbnail")
    # On the change form: the sepia spec, which comes from the ik-example-sepia plugin.
    sepia_preview = AdminThumbnail(image_field="sepia")
    sepia_preview.short_description = "Sepia"

    @admin.display(description="Original")
    def original_size(self, photo: Photo) -> str:
        return f"{photo.original_width}\N{MULTIPLICATION SIGN}{photo.original_height}"
