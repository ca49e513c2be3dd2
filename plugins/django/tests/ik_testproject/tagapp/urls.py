from django.urls import path

from ik_testproject.tagapp.admin import site

urlpatterns = [path("tagadmin/", site.urls)]
