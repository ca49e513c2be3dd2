"""An admin site of its own (served by ``tagapp.urls``), with every kind of thumbnail column."""

from django.contrib import admin

from ik_testproject.tagapp.models import AdminPhoto
from imagekit.admin import AdminThumbnail

site = admin.AdminSite(name="tagadmin")


@admin.register(AdminPhoto, site=site)
class AdminPhotoAdmin(admin.ModelAdmin):
    list_display = ("__str__", "admin_thumbnail", "plain_thumb", "custom_thumb", "callable_thumb")
    admin_thumbnail = AdminThumbnail(image_field="thumbnail")  # as documented
    plain_thumb = AdminThumbnail(image_field="original")
    custom_thumb = AdminThumbnail(
        image_field="thumbnail", template="tagapp/custom_thumbnail.html"
    )
    callable_thumb = AdminThumbnail(image_field=lambda photo: photo.thumbnail)
    callable_thumb.short_description = "Computed"
