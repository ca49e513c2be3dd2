"""Model fields: sources, inheritance, source groups, signals, queries, file handles."""

import os

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection, models
from django.db.migrations.state import ProjectState
from django.db.migrations.writer import MigrationWriter
from django.test.utils import CaptureQueriesContext, isolate_apps
from PIL import Image

from ik_testproject.images import image_content, open_fds
from ik_testproject.testapp.models import (
    AbstractPhoto,
    Article,
    FeatureArticle,
    Landscape,
    OptimisticPhoto,
    PlainPhoto,
    Portrait,
    ProcessedProfile,
    Profile,
)
from imagekit import ImageSpec
from imagekit.cachefiles import ImageCacheFile
from imagekit.models import ImageSpecField, ProcessedImageField
from imagekit.processors import ResizeToFill
from imagekit.registry import generator_registry, iter_source_groups, unregister
from imagekit.signals import source_saved
from imagekit.specs import SpecHost
from imagekit.specs.sourcegroups import ImageFieldSourceGroup
from imagekit.utils import generate, get_field_info

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved_sources():
    """The (group, source name) of every source_saved sent during the test."""
    sent = []

    def record(sender, source, **kwargs):
        sent.append((sender, source.name))

    source_saved.connect(record)
    yield sent
    source_saved.disconnect(record)


def groups_of(generator_id):
    return [group for gid, group in iter_source_groups() if gid == generator_id]


# -- sources -------------------------------------------------------------------------------------


def test_implicit_source_is_the_only_image_field():
    article = Article()
    article.image.save("implicit.jpg", image_content())
    assert Article._meta.get_field("image")  # the field the spec reads
    with Image.open(article.thumb.path) as img:
        assert (img.format, img.size) == ("PNG", (30, 20))



@pytest.fixture(autouse=True)
def forget_new_source_groups():
    """Models made inside a test (``isolate_apps``) have no table: the source groups their
    fields register must not outlive the test, or a later census would query them."""
    before = set(iter_source_groups())
    yield
    for generator_id, group in set(iter_source_groups()) - before:
        unregister.source_group(generator_id, group)

@isolate_apps("ik_testproject.testapp")
def test_implicit_source_needs_exactly_one_image_field():
    with pytest.raises(ImproperlyConfigured, match=r"has none.*source="):

        class NoImage(models.Model):
            thumb = ImageSpecField(processors=[ResizeToFill(10, 10)])

            class Meta:
                app_label = "testapp"

    with pytest.raises(ImproperlyConfigured, match=r"it has 2 \(a, b\)"):

        class TwoImages(models.Model):
            a = models.ImageField()
            b = models.ImageField()
            thumb = ImageSpecField(processors=[ResizeToFill(10, 10)])

            class Meta:
                app_label = "testapp"

    for model_name in ("noimage", "twoimages"):
        unregister.generator(f"testapp:{model_name}:thumb")


def test_spec_fields_add_no_column():
    columns = [f.column for f in Profile._meta.concrete_fields]
    assert columns == ["id", "avatar"]
    assert Profile.avatar_thumbnail.spec_id == "testapp:profile:avatar_thumbnail"


# -- inheritance -------------------------------------------------------------------------------


def test_abstract_model_fields_work_on_each_concrete_model():
    landscape = Landscape()
    landscape.original.save("land.jpg", image_content(size=(300, 200)))
    portrait = Portrait()
    portrait.original.save("portrait.jpg", image_content(size=(200, 300)))

    for instance in (Landscape.objects.get(), Portrait.objects.get()):
        with Image.open(instance.small.path) as img:
            assert img.size == (16, 12)
    assert AbstractPhoto.small.spec_id == "testapp:abstractphoto:small"


def test_abstract_model_source_group_covers_every_concrete_model(saved_sources):
    Landscape().original.save("l1.jpg", image_content())
    Portrait().original.save("p1.jpg", image_content())
    Portrait.objects.create()  # no image: not a source

    [group] = groups_of("testapp:abstractphoto:small")
    assert isinstance(group, ImageFieldSourceGroup)
    assert {model.__name__ for model in group.models()} == {"Landscape", "Portrait"}
    names = sorted(file.name for file in group.files())
    assert [os.path.basename(name)[:2] for name in names] == ["l1", "p1"]
    assert [sender for sender, _name in saved_sources] == [group, group]


def test_multi_table_children_share_the_parents_spec_and_group(saved_sources):
    Article().image.save("parent.jpg", image_content())
    child = FeatureArticle(headline="child")
    child.image.save("child.jpg", image_content())

    child = FeatureArticle.objects.get()
    with Image.open(child.thumb.path) as img:
        assert img.size == (30, 20)
    [group] = groups_of("testapp:article:thumb")
    assert group.models() == [Article]
    assert len(list(group.files())) == 2  # the child's row once, through its parent's table
    assert [name.split("/")[-1][:5] for _sender, name in saved_sources] == ["paren", "child"]


# -- source_saved ----------------------------------------------------------------------------


def test_source_saved_only_when_the_image_is_new_or_changed(saved_sources):
    profile = Profile()
    profile.avatar.save("v1.jpg", image_content())
    profile.save()  # unchanged
    Profile.objects.get(pk=profile.pk).save()  # loaded and saved again: unchanged
    profile.avatar.save("v2.jpg", image_content())
    profile.avatar = profile.avatar.name  # the same name assigned again: unchanged
    profile.save()

    assert [name.split("/")[-1][:2] for _sender, name in saved_sources] == ["v1", "v2"]


def test_optimistic_strategy_generates_when_the_source_is_saved():
    photo = OptimisticPhoto()
    photo.image.save("opt.jpg", image_content(size=(300, 200)))

    # One save, one signal, both specs of the image generated.
    for file in (photo.thumb, photo.other_thumb):
        assert default_storage.exists(file.name)
    with Image.open(default_storage.path(photo.thumb.name)) as img:
        assert img.size == (40, 30)

    # Access does not generate: a removed file stays removed until the source changes.
    default_storage.delete(photo.thumb.name)
    photo = OptimisticPhoto.objects.get()
    assert photo.thumb.url.endswith(".jpg")
    assert not default_storage.exists(photo.thumb.name)
    photo.save()
    assert not default_storage.exists(photo.thumb.name)

    photo.image.save("opt2.jpg", image_content(size=(300, 200)))
    assert default_storage.exists(photo.thumb.name)


def test_saving_a_source_decodes_it_once_for_all_its_specs(monkeypatch):
    from ik_processors_pilkit import pillow_engine  # noqa: PLC0415

    decoded = []
    original = pillow_engine.open_image
    monkeypatch.setattr(
        pillow_engine, "open_image", lambda *a, **k: decoded.append(1) or original(*a, **k)
    )
    photo = OptimisticPhoto()
    photo.image.save("opt-once.jpg", image_content(size=(300, 200)))
    assert all(default_storage.exists(file.name) for file in (photo.thumb, photo.other_thumb))
    assert len(decoded) == 1


# -- queries and file handles -------------------------------------------------------------------


def queries_of(action):
    with CaptureQueriesContext(connection) as captured:
        action()
    return [query["sql"].split(" ")[0] for query in captured.captured_queries]


def test_saving_costs_what_a_plain_image_field_costs(django_assert_num_queries):
    default_storage.save("plain/existing.jpg", image_content())

    plain = queries_of(lambda: PlainPhoto(image="plain/existing.jpg").save())
    with_specs = queries_of(lambda: Profile(avatar="plain/existing.jpg").save())
    assert with_specs == plain == ["INSERT"]

    with django_assert_num_queries(1):
        Profile().avatar.save("upload.jpg", image_content())


def test_reading_a_url_with_a_warm_state_makes_no_query(django_assert_num_queries):
    Profile().avatar.save("warm.jpg", image_content())
    Profile.objects.get().avatar_thumbnail.generate()

    profile = Profile.objects.get()
    with django_assert_num_queries(0):
        url = profile.avatar_thumbnail.url
        width = profile.avatar_thumbnail.width
    assert url.endswith(".jpg")
    assert width == 100


def test_generating_for_200_instances_leaves_no_file_open():
    name = default_storage.save("avatars/many.jpg", image_content(size=(40, 30)))
    sources = [default_storage.save(f"avatars/many{i}.jpg", open(default_storage.path(name), "rb"))
               for i in range(200)]
    Profile.objects.bulk_create(Profile(avatar=source) for source in sources)
    before = open_fds()

    for profile in Profile.objects.all():
        profile.avatar_thumbnail.generate()
        assert profile.avatar.closed

    assert open_fds() == before
    assert default_storage.exists(Profile.objects.last().avatar_thumbnail.name)


# -- ProcessedImageField ---------------------------------------------------------------------


def test_processed_image_field_processes_once_and_keeps_upload_to():
    profile = ProcessedProfile()
    profile.avatar_thumbnail.save("once.png", image_content("once.png", (300, 200), "PNG"))
    name = profile.avatar_thumbnail.name
    path = profile.avatar_thumbnail.path
    data = open(path, "rb").read()

    profile.save()
    ProcessedProfile.objects.get().save()

    assert name == "avatars/once.jpg"
    assert ProcessedProfile.objects.get().avatar_thumbnail.name == name
    assert open(path, "rb").read() == data
    assert os.listdir(os.path.dirname(path)).count("once.jpg") == 1


def test_processed_image_field_deconstructs_for_migrations():
    field = ProcessedProfile._meta.get_field("avatar_thumbnail")

    name, path, args, kwargs = field.deconstruct()

    assert (name, path) == ("avatar_thumbnail", "imagekit.models.fields.ProcessedImageField")
    assert (args, kwargs) == ([], {"upload_to": "avatars"})
    serialized, imports = MigrationWriter.serialize(field)
    assert serialized == "imagekit.models.fields.ProcessedImageField(upload_to='avatars')"
    assert imports == {"import imagekit.models.fields"}

    ids = generator_registry.get_ids()
    rebuilt = ProjectState.from_apps(apps).apps.get_model("testapp", "ProcessedProfile")
    assert isinstance(rebuilt._meta.get_field("avatar_thumbnail"), ProcessedImageField)
    assert generator_registry.get_ids() == ids  # historical models claim no generator id


# -- ImageSpecField and SpecHost options -------------------------------------------------------


class Wide(ImageSpec):
    processors = [ResizeToFill(60, 20)]
    format = "PNG"


def test_spec_or_arguments_not_both():
    with pytest.raises(TypeError, match=r"either spec= or .*\(format, processors\)"):
        ImageSpecField(source="avatar", spec=Wide, processors=[], format="PNG")


@isolate_apps("ik_testproject.testapp")
def test_spec_class_and_id_options():
    class Banner(models.Model):
        picture = models.ImageField(upload_to="banners")
        given = ImageSpecField(source="picture", spec=Wide)
        named = ImageSpecField(source="picture", spec=Wide, id="tests:banner:wide")

        class Meta:
            app_label = "testapp"

    try:
        assert generator_registry.get_class("testapp:banner:given") is Wide
        assert generator_registry.get_class("tests:banner:wide") is Wide
        banner = Banner(picture=default_storage.save("banners/b.jpg", image_content()))
        assert isinstance(banner.given.generator, Wide)
        assert banner.given.name == banner.named.name
    finally:
        for generator_id in ("testapp:banner:given", "testapp:banner:named", "tests:banner:wide"):
            if generator_id in generator_registry.get_ids():
                unregister.generator(generator_id)


def test_cachefile_storage_option(tmp_path):
    storage = FileSystemStorage(location=str(tmp_path), base_url="/elsewhere/")
    host = SpecHost(processors=[ResizeToFill(10, 10)], format="PNG", cachefile_storage=storage)
    source = default_storage.save("avatars/stored-elsewhere.jpg", image_content())

    file = ImageCacheFile(host.get_spec(source=default_storage.open(source)))

    assert file.url.startswith("/elsewhere/CACHE/images/")
    assert os.path.exists(tmp_path / file.name)
    file.generator.source.close()


def test_thumbnail_generator_from_the_library():
    Profile().avatar.save("lib.jpg", image_content(size=(300, 200)))
    source = Profile.objects.get().avatar
    cropped = ImageCacheFile(generator_registry.get("imagekit:thumbnail", width=50, height=50,
                                                    source=source))
    fitted = ImageCacheFile(generator_registry.get("imagekit:thumbnail", width=50, source=source,
                                                   format="PNG"))
    with Image.open(cropped.path) as img:
        assert img.size == (50, 50)
    with Image.open(fitted.path) as img:
        assert (img.format, img.size) == ("PNG", (50, 33))


def test_utils_field_info_and_generate():
    Profile().avatar.save("utils.jpg", image_content(size=(300, 200)))
    profile = Profile.objects.get()

    assert get_field_info(profile.avatar) == (profile, "avatar")
    with open(__file__) as handle:
        assert get_field_info(handle) == (None, None)
    result = generate(profile.avatar_thumbnail.generator)
    assert isinstance(result, File)
    with Image.open(result) as img:
        assert img.size == (100, 50)
