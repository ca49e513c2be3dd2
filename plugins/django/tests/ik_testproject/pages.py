"""A page of thumbnails, as a project would write it: no imagekit code in the view."""

from django.http import HttpResponse
from django.template import engines

from ik_testproject.testapp.models import Profile
from imagekit.cachefiles.state import prefetch_cachefile_states, use_cachefile_state_cache

PAGE = engines["django"].from_string(
    "{% load imagekit %}{% for profile in profiles %}"
    '<img src="{{ profile.avatar_thumbnail.url }}" width="{{ profile.avatar_thumbnail.width }}"'
    ' height="{{ profile.avatar_thumbnail.height }}">'
    "{% thumbnail '40x40' profile.avatar %}\n"
    "{% endfor %}"
)


def profiles(request):
    return HttpResponse(PAGE.render({"profiles": Profile.objects.order_by("pk")}))


def profiles_prefetched(request):
    """The same page with django-imagekit 6.1's prefetch helper, as its docs show."""
    with use_cachefile_state_cache():
        rows = list(Profile.objects.order_by("pk"))
        prefetch_cachefile_states([row.avatar_thumbnail for row in rows])
        return HttpResponse(PAGE.render({"profiles": rows}))
