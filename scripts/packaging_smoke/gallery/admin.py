from django.contrib import admin

from gallery.models import Photo
from imagekit.admin import AdminThumbnail


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ("__str__", "admin_thumbnail")
    admin_thumbnail = AdminThumbnail(image_field="thumbnail")
