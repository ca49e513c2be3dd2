from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import path

from gallery import views

urlpatterns = [
    path("", views.index, name="index"),
    path("photos/<int:pk>/", views.detail, name="photo"),
    path("pictures/", views.pictures, name="pictures"),
    path("upload/", views.upload, name="upload"),
    path("admin/", admin.site.urls),
    # Serves the uploads and the generated cache files; only while DEBUG is on.
    *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
]
