"""AdminThumbnail columns in a real admin change list, fetched by a logged-in client."""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from ik_testproject.images import image_bytes, image_content
from ik_testproject.tagapp.admin import AdminPhotoAdmin, site
from ik_testproject.tagapp.models import AdminPhoto
from imagekit.admin import AdminThumbnail

pytestmark = [pytest.mark.django_db, pytest.mark.urls("ik_testproject.tagapp.urls")]

CHANGELIST = "/tagadmin/tagapp/adminphoto/"


@pytest.fixture
def admin_login(client, django_user_model, settings):
    # A real login through the test client; the fast hasher keeps it from costing seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    django_user_model.objects.create_superuser("boss", "boss@example.com", "s3cret-pass")
    assert client.login(username="boss", password="s3cret-pass")
    return client


def add_photo(title, content=None):
    photo = AdminPhoto(title=title)
    if content is None:
        photo.save()
    else:
        photo.original.save(f"{title.lower()}.jpg", content)
    return photo


def cells(html, title):
    """The change list's cells of the row whose first column is ``title``, by field name."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL):
        if re.search(rf">{re.escape(title)}</a></th>", row):
            return dict(re.findall(r'<td class="field-(\w+)">(.*?)</td>', row, re.DOTALL))
    raise AssertionError(f"no row for {title!r}")


def stored_size(url):
    with default_storage.open(url.removeprefix("/media/")) as handle, Image.open(handle) as im:
        return im.size


def test_change_list_shows_each_kind_of_thumbnail(admin_login):
    photo = add_photo("Bulldog", image_content(size=(300, 200)))
    original = photo.original.url

    response = admin_login.get(CHANGELIST)

    assert response.status_code == 200
    html = response.content.decode()
    row = cells(html, "Bulldog")
    thumb_url = photo.thumbnail.url
    assert thumb_url.startswith("/media/CACHE/images/adminphotos/bulldog")
    assert stored_size(thumb_url) == (50, 40)
    linked = (
        f'<a href="{original}" target="_blank" rel="noopener" class="imagekit-admin-thumbnail">'
        f'<img src="{thumb_url}" alt="Bulldog"></a>'
    )
    # ImageSpecField, by name as documented and through a callable: linked to the original.
    assert row["admin_thumbnail"].strip() == linked
    assert row["callable_thumb"].strip() == linked
    # A plain ImageField is its own original.
    assert row["plain_thumb"].strip() == linked.replace(thumb_url, original)
    # A custom template gets the same context.
    assert row["custom_thumb"].strip() == (
        f'<span class="custom-thumb" data-original="{original}">Bulldog: '
        f'<img src="{thumb_url}" width="50" height="40"></span>'
    )


def test_column_headers(admin_login):
    add_photo("Bulldog", image_content())

    html = admin_login.get(CHANGELIST).content.decode()

    headers = dict(
        re.findall(r'<th scope="col" class="column-(\w+)">.*?<span>(.*?)</span>', html, re.S)
    )
    assert headers["admin_thumbnail"] == "Thumbnail"
    assert headers["custom_thumb"] == "Thumbnail"
    assert headers["callable_thumb"] == "Computed"


def test_a_photo_without_an_image_shows_the_empty_marker(admin_login):
    add_photo("Nothing yet")

    html = admin_login.get(CHANGELIST).content.decode()

    row = cells(html, "Nothing yet")
    empty = AdminPhotoAdmin(AdminPhoto, site).get_empty_value_display()
    assert set(row.values()) == {empty}


def test_a_broken_upload_does_not_break_the_change_list(admin_login):
    add_photo("Fine", image_content())
    broken = add_photo("Broken", ContentFile(image_bytes(size=(300, 200))[:400]))

    response = admin_login.get(CHANGELIST)

    assert response.status_code == 200
    html = response.content.decode()
    row = cells(html, "Broken")
    assert row["admin_thumbnail"].startswith('<span class="imagekit-error" title="cannot use ')
    assert "adminphotos/broken" in row["admin_thumbnail"]
    assert broken.original.url in row["plain_thumb"]  # the original itself is still shown
    assert "<img src=" in cells(html, "Fine")["admin_thumbnail"]
    assert not default_storage.exists(broken.thumbnail.name)


def test_admin_checks_accept_the_columns():
    assert AdminPhotoAdmin(AdminPhoto, site).check() == []


def test_admin_thumbnail_outside_the_admin():
    photo = add_photo("Pug", image_content(size=(80, 80)))
    column = AdminThumbnail(image_field=lambda obj: obj.original, template=None)

    html = column(photo)

    assert column.template == "imagekit/admin/thumbnail.html"
    assert f'<img src="{photo.original.url}" alt="Pug">' in html
    assert str(AdminThumbnail.short_description) == "Thumbnail"
