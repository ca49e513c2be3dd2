"""Property tests (hypothesis) over names: random source names, as hostile as they come, put
every cache file inside the cache-file directory and make state keys memcached and Redis take.
The namers and the file-system storage are the defaults'. (Split from the Pillow engine's property
tests, which live with the engine.)"""

from __future__ import annotations

import io
import os
import posixpath
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ik_defaults import FileSystemStorage
from ik_defaults.cachefile_namers import hash as hash_namer
from ik_defaults.cachefile_namers import source_name_as_path, source_name_dot_hash
from ik_host.config import Config, set_config
from ik_host.errors import IKError
from ik_host.specs import ImageSpec
from ik_host.state_records import state_key

# -- names -----------------------------------------------------------------------------------------

hostile_names = st.one_of(
    st.text(min_size=1, max_size=300),
    st.lists(
        st.sampled_from(["..", ".", "", "etc", "passwd", "\x00", "/", "\\", "C:", "фото", "🙂"])
        | st.text(max_size=40),
        min_size=1,
        max_size=30,
    ).map("/".join),
    st.sampled_from(["../../etc/passwd", "/etc/passwd", "..\\..\\boot.ini", "a/../../b.jpg"]),
)
extensions = st.sampled_from(["", ".jpg", ".png", ".j\x00pg", "." + "x" * 300, ".php", ".JPEG"])


class Named(ImageSpec):
    format: str | None = None


@pytest.fixture(scope="module")
def cache_dir_storage(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("names")
    storage = FileSystemStorage(str(root))
    set_config(Config(storage=storage, cachefile_dir="thumbs/cache"))
    yield storage
    set_config(None)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(hostile_names, extensions, st.sampled_from([None, "JPEG", "PNG"]))
def test_every_cache_file_lands_inside_the_cache_dir(
    cache_dir_storage: Any, name: str, extension: str, format: str | None
) -> None:
    source = io.BytesIO(b"not read: naming never opens the source")
    source.name = name + extension
    spec = Named(source=source)
    spec.format = format
    root = Path(cache_dir_storage.location, "thumbs", "cache").resolve()
    for namer in (hash_namer, source_name_as_path, source_name_dot_hash):
        try:
            cache_name = namer(spec)
        except IKError:  # documented: e.g. a name with nothing usable left in it
            assume(False)
        assert cache_name.startswith("thumbs/cache/")
        assert posixpath.normpath(cache_name) == cache_name
        assert not any(ord(ch) < 32 or ch == "\x7f" for ch in cache_name)
        path = Path(cache_dir_storage.path(cache_name))
        assert path.resolve().is_relative_to(root)
        assert all(len(part.encode("utf-8")) <= 255 for part in path.parts)
        assert len(os.fsencode(path)) < 4096
        key = state_key("imagekit:", cache_name)
        assert len(key.encode("utf-8", "surrogatepass")) <= 250
        assert not re.search(r"[\x00-\x20\x7f\s]", key)  # what memcached refuses
