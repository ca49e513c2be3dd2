from django.contrib import admin
from django.urls import path

from ik_testproject import pages

urlpatterns = [
    path("admin/", admin.site.urls),
    path("profiles/", pages.profiles),
    path("profiles/prefetched/", pages.profiles_prefetched),
]
