"""IMAGEKIT_SOURCE_WHILE_PENDING: a file scheduled but not made yet gives its source's URL, with
the width and height it will have, instead of a URL that is not found until a worker runs."""

import pytest
from django.template import Context, Template
from django.test import override_settings

from ik_defaults.cached_backends import CachedFileBackend
from ik_host.state_records import CacheFileState, StateRecord
from ik_testproject.images import image_content
from ik_testproject.testapp.models import Profile

pytestmark = pytest.mark.django_db


class NeverMade(CachedFileBackend):
    """Schedules every missing file and never makes it: a queue without a worker."""

    def generate(self, file, force=False):
        if force or not self.exists(file):
            self.set_record(file, StateRecord(CacheFileState.SCHEDULED))


DEFERRING = {"IMAGEKIT_DEFAULT_CACHEFILE_BACKEND": f"{__name__}.NeverMade"}


@pytest.fixture
def profile():
    Profile().avatar.save("pending.jpg", image_content("pending.jpg", size=(200, 120)))
    return Profile.objects.get()


def tag(profile):
    template = Template("{% load imagekit %}{% thumbnail '40x30' profile.avatar %}")
    return template.render(Context({"profile": profile}))


@override_settings(**DEFERRING, IMAGEKIT_SOURCE_WHILE_PENDING=True)
def test_a_pending_file_stands_in_with_its_source(profile):
    file = profile.avatar_thumbnail

    assert file.url == profile.avatar.url
    assert (file.width, file.height) == (100, 50)  # ResizeToFill(100, 50), not the source's
    html = tag(profile)
    assert f'src="{profile.avatar.url}"' in html
    assert 'width="40"' in html and 'height="30"' in html
    assert not file.storage.exists(file.name)


@override_settings(**DEFERRING)
def test_by_default_a_pending_file_gives_its_own_url(profile):
    file = profile.avatar_thumbnail
    assert file.url.endswith(file.name)
    assert not file.storage.exists(file.name)  # what django-imagekit gives: a URL not found yet


@override_settings(IMAGEKIT_SOURCE_WHILE_PENDING=True)
def test_a_made_file_gives_its_own_url_with_the_setting(profile):
    file = profile.avatar_thumbnail
    assert file.url.endswith(file.name)
    assert file.storage.exists(file.name)
    assert (file.width, file.height) == (100, 50)
