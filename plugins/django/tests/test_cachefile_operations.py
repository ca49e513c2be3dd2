"""Operations on the recorded cache files: a source replaced under the same name, deleting a
row's files with it, ``imagekit_status`` and ``imagekit_cleanup``."""

import io
import json
import logging

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.template import Context, Template
from django.test import override_settings

from ik_testproject.images import image_content
from ik_testproject.testapp.models import Profile
from imagekit.cachefiles.record_table import record_key, record_model

# The commands walk every source group, the async test app's (in its own database) too.
pytestmark = pytest.mark.django_db(databases=["default", "async"])


class OverwritingStorage(FileSystemStorage):
    """Saves a new file under a taken name in its place, as S3's storage does by default."""

    def get_available_name(self, name, max_length=None):
        self.delete(name)
        return name


@pytest.fixture
def overwriting(settings):
    storages = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.OverwritingStorage"},
    }
    with override_settings(STORAGES=storages):
        yield


def state_of(name):
    return record_model().objects.get(key=record_key(name)).state


def run(command, *args):
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def thumbnail_tag(profile):
    html = Template("{% load imagekit %}{% thumbnail '40x40' profile.avatar %}").render(
        Context({"profile": profile})
    )
    return html.split('src="/media/')[1].split('"')[0]


# -- a source replaced under the same name --------------------------------------------------------


def test_a_source_replaced_under_its_name_makes_its_files_again(overwriting):
    Profile().avatar.save("same.jpg", image_content("same.jpg"))
    profile = Profile.objects.get()
    spec_file = profile.avatar_thumbnail
    spec_file.generate()
    tag_name = thumbnail_tag(profile)
    storage = spec_file.storage
    before = (storage.open(spec_file.name).read(), storage.open(tag_name).read())
    name = profile.avatar.name

    profile.avatar.save("same.jpg", image_content("same.jpg", size=(300, 60)))

    assert profile.avatar.name == name  # the storage overwrote it
    assert state_of(spec_file.name) == state_of(tag_name) == "stale"
    fresh = Profile.objects.get()
    assert fresh.avatar_thumbnail.url.endswith(spec_file.name)  # made again, same name
    assert thumbnail_tag(fresh) == tag_name
    after = (storage.open(spec_file.name).read(), storage.open(tag_name).read())
    assert after[0] != before[0] and after[1] != before[1]
    assert state_of(spec_file.name) == state_of(tag_name) == "exists"
    assert sorted(spec_file.storage.listdir(spec_file.name.rsplit("/", 1)[0])[1]) == sorted(
        {spec_file.name.rsplit("/", 1)[1], tag_name.rsplit("/", 1)[1]}
    )  # replaced in place: nothing saved beside


def picture_img_size(profile):
    html = Template("{% load imagekit %}{% picture '200x' profile.avatar %}").render(
        Context({"profile": profile})
    )
    img = html.split("<img ")[1]
    return img.split('width="')[1].split('"')[0], img.split('height="')[1].split('"')[0]


def test_a_replaced_source_gives_pictures_of_its_new_shape(overwriting):
    Profile().avatar.save("shape.jpg", image_content("shape.jpg", size=(400, 400)))
    assert picture_img_size(Profile.objects.get()) == ("200", "200")

    profile = Profile.objects.get()
    profile.avatar.save("shape.jpg", image_content("shape.jpg", size=(400, 100)))

    # The header read for the first picture is not reused for the new file of that name.
    assert picture_img_size(Profile.objects.get()) == ("200", "50")


def test_saving_a_row_without_a_new_file_leaves_its_files_alone(overwriting):
    Profile().avatar.save("kept.jpg", image_content("kept.jpg"))
    profile = Profile.objects.get()
    profile.avatar_thumbnail.generate()

    profile.save()
    again = Profile.objects.get()
    again.save()

    assert state_of(profile.avatar_thumbnail.name) == "exists"


def test_an_upload_assigned_under_the_same_name_is_a_replacement(overwriting):
    Profile().avatar.save("assigned.jpg", image_content("assigned.jpg"))
    profile = Profile.objects.get()
    profile.avatar_thumbnail.generate()

    profile.avatar = image_content("assigned.jpg", size=(300, 60))
    profile.save()

    assert profile.avatar.name == "avatars/assigned.jpg"
    assert state_of(profile.avatar_thumbnail.name) == "stale"


# -- deleting a row -------------------------------------------------------------------------------


def test_a_deleted_rows_files_stay_by_default():
    Profile().avatar.save("stays.jpg", image_content("stays.jpg"))
    file = Profile.objects.get().avatar_thumbnail
    file.generate()
    Profile.objects.get().delete()
    assert file.storage.exists(file.name)


@override_settings(IMAGEKIT_DELETE_CACHEFILES_WITH_ROW=True)
def test_with_the_setting_a_deleted_rows_files_go_with_it():
    Profile().avatar.save("goes.jpg", image_content("goes.jpg"))
    profile = Profile.objects.get()
    file = profile.avatar_thumbnail
    file.generate()
    tag_name = thumbnail_tag(profile)
    Profile().avatar.save("other.jpg", image_content("other.jpg"))
    other = Profile.objects.get(avatar__endswith="other.jpg").avatar_thumbnail
    other.generate()

    profile.delete()

    assert not file.storage.exists(file.name) and not file.storage.exists(tag_name)
    assert not record_model().objects.filter(key__in=[record_key(file.name), record_key(tag_name)])
    assert file.storage.exists(other.name)


# -- imagekit_status ------------------------------------------------------------------------------


def make(count, generate):
    for index in range(count):
        Profile().avatar.save(f"status{index}.jpg", image_content(f"status{index}.jpg"))
    profiles = list(Profile.objects.order_by("pk"))
    for profile in profiles[:generate]:
        profile.avatar_thumbnail.generate()
    return profiles


def test_status_counts_each_generator_from_the_records():
    profiles = make(3, generate=2)
    made = profiles[0].avatar_thumbnail
    size = made.storage.size(made.name) + profiles[1].avatar_thumbnail.storage.size(
        profiles[1].avatar_thumbnail.name
    )

    report = json.loads(run("imagekit_status", "--format", "json"))

    counts = report["generators"]["testapp:profile:avatar_thumbnail"]
    assert counts == {"existing": 2, "missing": 1, "failed": 0, "scheduled": 0, "bytes": size}
    assert report["total"]["missing"] == 1
    table = run("imagekit_status")
    assert "testapp:profile:avatar_thumbnail" in table and "total" in table


def test_status_logs_its_totals(caplog):
    make(2, generate=1)
    with caplog.at_level(logging.INFO, logger="imagekit.management.status"):
        run("imagekit_status")
    (message,) = [r.getMessage() for r in caplog.records if r.name == "imagekit.management.status"]
    assert message.startswith("imagekit_status: 1 existing, 1 missing, 0 failed, 0 scheduled, ")


def test_status_fails_on_missing_for_ci_and_passes_once_all_are_made():
    profiles = make(2, generate=1)
    with pytest.raises(CommandError, match="1 cache files are missing"):
        run("imagekit_status", "--fail-on-missing")
    profiles[1].avatar_thumbnail.generate()
    run("imagekit_status", "--fail-on-missing")


def test_status_checks_the_storage_for_files_made_before_records():
    make(2, generate=2)
    record_model().objects.all().delete()

    plain = json.loads(run("imagekit_status", "--format", "json"))
    checked = json.loads(run("imagekit_status", "--format", "json", "--check-storage"))
    after = json.loads(run("imagekit_status", "--format", "json"))

    key = "testapp:profile:avatar_thumbnail"
    assert plain["generators"][key]["missing"] == 2
    assert checked["generators"][key]["missing"] == 0
    assert after["generators"][key]["existing"] == 2  # recorded by the check


# -- imagekit_cleanup -----------------------------------------------------------------------------


def test_cleanup_removes_exactly_the_orphans():
    profiles = make(3, generate=3)
    kept = [profile.avatar_thumbnail for profile in profiles[1:]]
    gone = profiles[0].avatar_thumbnail
    tag_kept = thumbnail_tag(profiles[1])
    tag_gone = thumbnail_tag(profiles[0])
    storage = gone.storage
    profiles[0].avatar.delete(save=False)  # the source file is gone...
    Profile.objects.filter(pk=profiles[0].pk).delete()  # ...and so is its row

    listed = run("imagekit_cleanup", "--dry-run")
    assert storage.exists(gone.name) and storage.exists(tag_gone)  # a dry run deletes nothing
    output = run("imagekit_cleanup")

    assert f"would delete {gone.name}" in listed and f"deleted {gone.name}" in output
    assert f"deleted {tag_gone}" in output
    assert "deleted 2 cache files" in output
    assert not storage.exists(gone.name) and not storage.exists(tag_gone)
    assert all(storage.exists(file.name) for file in kept) and storage.exists(tag_kept)
    assert not record_model().objects.filter(key=record_key(gone.name)).exists()
    assert run("imagekit_cleanup").strip() == "deleted 0 cache files"


def test_cleanup_of_unrecorded_files_only_on_request():
    [profile] = make(1, generate=1)
    storage = profile.avatar_thumbnail.storage
    stray = storage.save("CACHE/images/stray/old.jpg", image_content("old.jpg"))

    assert stray not in run("imagekit_cleanup")
    output = run("imagekit_cleanup", "--include-unrecorded")

    assert f"deleted {stray}" in output
    assert not storage.exists(stray) and storage.exists(profile.avatar_thumbnail.name)
