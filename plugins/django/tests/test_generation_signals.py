"""imagekit.signals.cachefile_generated and cachefile_failed: one per generation, with timing."""

import pytest

from ik_testproject.images import image_content
from ik_testproject.testapp.models import Profile
from imagekit.cachefiles import ImageCacheFile
from imagekit.signals import cachefile_failed, cachefile_generated

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    events = []

    def on_generated(sender, file, seconds, size, **kwargs):
        events.append(("generated", sender, file.name, seconds, size))

    def on_failed(sender, file, exception, **kwargs):
        events.append(("failed", sender, file.name, exception))

    cachefile_generated.connect(on_generated)
    cachefile_failed.connect(on_failed)
    yield events
    cachefile_generated.disconnect(on_generated)
    cachefile_failed.disconnect(on_failed)


def test_each_generation_is_signalled_once_with_its_time_and_bytes(received):
    Profile().avatar.save("signalled.jpg", image_content("signalled.jpg"))
    file = Profile.objects.get().avatar_thumbnail

    assert file.url  # made here
    assert file.url  # known: not made again

    [(event, sender, name, seconds, size)] = received
    assert (event, sender, name) == ("generated", ImageCacheFile, file.name)
    assert 0 < seconds < 60
    assert size == file.storage.size(file.name)


def test_a_failed_generation_is_signalled_and_still_raises(received):
    Profile().avatar.save("unsignalled.jpg", image_content("unsignalled.jpg"))
    profile = Profile.objects.get()
    with open(profile.avatar.path, "wb") as handle:
        handle.write(b"no image here")

    with pytest.raises(OSError) as raised:
        profile.avatar_thumbnail.generate()

    [(event, sender, name, exception)] = received
    assert (event, sender, name) == ("failed", ImageCacheFile, profile.avatar_thumbnail.name)
    assert exception is raised.value
