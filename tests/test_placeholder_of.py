"""The host's placeholders: the value's rules and its record form, the state record keeping it
(old dumps still load), and ``placeholder_of``: from the record the engine's generation left,
else computed once from the stored file and recorded."""

from __future__ import annotations

import io
from typing import Any

import pytest

from ik_host.cachefile import CacheFile
from ik_host.config import Config, set_config
from ik_host.placeholders import Placeholder, forget_placeholders, placeholder_of
from ik_host.state_records import CacheFileState, StateRecord
from ik_host.testing import Thumbnail
from tests.host_fakes import Fakes, fake_placeholder

SOURCE = "photos/bulldog.jpg"
DATA_URL = "data:image/png;base64,iVBORw0KGgo="


@pytest.fixture(autouse=True)
def _forget() -> Any:
    forget_placeholders()
    yield
    forget_placeholders()


# -- the value ---------------------------------------------------------------------------------


def test_css_is_a_colour_or_the_data_url_stretched_to_cover() -> None:
    assert Placeholder("color", "#0a0b0c").css() == "#0a0b0c"
    hashed = Placeholder("thumbhash", "3OcRJYB4d3h/iIeHeEh3eIhw+j3A", DATA_URL)
    assert hashed.css() == f"url({DATA_URL}) center / cover no-repeat"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("dominant", "#000000"), "one of thumbhash, blurhash, color"),
        (("color", "red"), "#rrggbb"),
        (("color", "#FFFFFF"), "lower case"),
        (("thumbhash", "abc"), "data:image/png;base64 URL"),
        (("blurhash", "", DATA_URL), "data:image/png;base64 URL"),
        (("blurhash", "a b", DATA_URL), "no space"),
    ],
)
def test_a_malformed_placeholder_says_what_is_wrong(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Placeholder(*args)


@pytest.mark.parametrize(
    "placeholder",
    [
        Placeholder("color", "#102030"),
        Placeholder("thumbhash", "3OcRJYB4d3h/iIeHeEh3eIhw+j3A", DATA_URL),
        Placeholder("blurhash", "LEHV6nWB2yk8pyo0adR*.7kCMdnj", DATA_URL),  # : ; , * . in it
    ],
)
def test_a_dump_loads_back(placeholder: Placeholder) -> None:
    assert Placeholder.load(placeholder.dump()) == placeholder


@pytest.mark.parametrize("value", [None, "", 7, "thumbhash", "color #12", "x y z w"])
def test_anything_else_loads_as_no_placeholder(value: Any) -> None:
    assert Placeholder.load(value) is None


@pytest.mark.parametrize(
    "hostile",
    [
        "thumbhash abc data:image/png;base64,iVBO);background:url(//evil.example/x)",
        "thumbhash abc data:image/png;base64,iVBO)",
        "thumbhash abc data:image/svg+xml;base64,PHN2Zz4=",
        "thumbhash abc data:image/png,raw",
        "thumbhash abc data:image/png;base64,iVBO=x",
        'blurhash abc data:image/png;base64,iVBO"',
        "color #102030;background:url(//evil.example/x)",
        "color #10203g",
    ],
)
def test_a_value_that_could_escape_its_css_loads_as_no_placeholder(hostile: str) -> None:
    # A state cache or record table written by someone else goes into a style attribute.
    assert Placeholder.load(hostile) is None
    record = StateRecord.load(("exists", 40, 30, 1234, None, hostile))
    assert record == StateRecord(CacheFileState.EXISTS, 40, 30, 1234)


def test_the_configured_kind_is_checked() -> None:
    assert Config().placeholder == "thumbhash"
    assert Config(placeholder="none").placeholder == "none"
    with pytest.raises(ValueError, match="placeholder = 'dominant'"):
        Config(placeholder="dominant")


# -- the state record --------------------------------------------------------------------------


def test_the_state_record_keeps_it_as_a_sixth_field() -> None:
    placeholder = Placeholder("color", "#102030")
    record = StateRecord(CacheFileState.EXISTS, 40, 30, 1234, placeholder=placeholder)
    dumped = record.dump()
    assert dumped == ("exists", 40, 30, 1234, None, "color #102030")
    assert StateRecord.load(dumped) == record
    assert StateRecord.load(list(dumped)) == record  # a JSON cache gives lists back
    # What a reader from before placeholders takes of it: the first five fields.
    assert dumped[1:5] == (40, 30, 1234, None)


def test_old_dumps_still_load() -> None:
    assert StateRecord.load(("exists", 40, 30, 1234, None)) == StateRecord(
        CacheFileState.EXISTS, 40, 30, 1234
    )
    assert StateRecord.load("exists") == StateRecord(CacheFileState.EXISTS)
    garbled = StateRecord.load(("exists", 40, 30, 1234, None, "not a placeholder"))
    assert garbled == StateRecord(CacheFileState.EXISTS, 40, 30, 1234)


def test_a_record_with_only_a_placeholder_is_not_dumped_as_a_bare_state() -> None:
    record = StateRecord(CacheFileState.EXISTS, placeholder=Placeholder("color", "#000000"))
    assert StateRecord.load(record.dump()) == record


# -- placeholder_of ----------------------------------------------------------------------------


class Shown(Thumbnail):
    """A generator whose files are shown with their placeholder, as a picture's img is."""

    placeholder = True


def test_a_plain_spec_asks_the_engine_for_no_placeholder(ik_fakes: Fakes) -> None:
    file = CacheFile(Thumbnail(source=SOURCE))
    assert file.url
    (job,) = ik_fakes.engine.jobs
    assert job.placeholder == "none"
    assert file.state().placeholder is None  # nothing kept in the state cache either
    assert ik_fakes.engine.placeheld == []


def test_a_plain_spec_file_computes_its_placeholder_once_then_reads_the_record(
    ik_fakes: Fakes,
) -> None:
    file = CacheFile(Thumbnail(source=SOURCE))
    assert file.url
    expected = fake_placeholder("thumbhash", (40, 30))
    assert file.placeholder == expected
    assert ik_fakes.backend.records[file.name].placeholder == expected
    assert CacheFile(Thumbnail(source=SOURCE)).placeholder == expected  # another object
    assert ik_fakes.engine.placeheld == [(file.name, "thumbhash")]  # once
    assert len(ik_fakes.engine.jobs) == 1


@pytest.mark.parametrize(("wanted", "kind"), [(True, "thumbhash"), ("color", "color")])
def test_a_generator_asking_for_one_has_it_computed_with_its_pixels(
    ik_fakes: Fakes, wanted: Any, kind: str
) -> None:
    spec = Thumbnail(source=SOURCE)
    spec.placeholder = wanted
    file = CacheFile(spec)
    assert file.url
    (job,) = ik_fakes.engine.jobs
    assert job.placeholder == kind
    expected = fake_placeholder(kind, (40, 30))
    assert file.state().placeholder == expected
    assert placeholder_of(file, kind) == expected
    assert ik_fakes.engine.placeheld == []  # nothing decoded again


def test_generation_records_the_engines_placeholder(ik_fakes: Fakes) -> None:
    file = CacheFile(Shown(source=SOURCE))
    assert file.url
    (job,) = ik_fakes.engine.jobs
    assert job.placeholder == "thumbhash"  # the configured kind, asked of the engine
    expected = fake_placeholder("thumbhash", (40, 30))
    assert file.state().placeholder == expected
    assert file.placeholder == expected
    assert CacheFile(Shown(source=SOURCE)).placeholder == expected  # another object
    assert ik_fakes.engine.placeheld == []  # nothing decoded again
    assert len(ik_fakes.engine.jobs) == 1


def test_a_file_made_before_placeholders_gets_one_once(ik_fakes: Fakes) -> None:
    file = CacheFile(Thumbnail(source=SOURCE))
    ik_fakes.storage.save(file.name, _fake_bytes(40, 30))  # made by an older version
    assert file.state() == StateRecord(CacheFileState.EXISTS)
    assert file.placeholder == fake_placeholder("thumbhash", (40, 30))
    assert CacheFile(Thumbnail(source=SOURCE)).placeholder == file.placeholder
    assert ik_fakes.engine.placeheld == [(file.name, "thumbhash")]  # once, from the stored file
    assert ik_fakes.engine.jobs == []  # and never generated
    assert ik_fakes.backend.records[file.name].placeholder == file.placeholder


def test_another_kind_is_computed_once_and_the_record_keeps_the_configured_one(
    ik_fakes: Fakes,
) -> None:
    file = CacheFile(Shown(source=SOURCE))
    color = placeholder_of(file, "color")
    assert color == fake_placeholder("color", (40, 30))
    assert placeholder_of(CacheFile(Shown(source=SOURCE)), "color") == color
    assert ik_fakes.engine.placeheld == [(file.name, "color")]
    assert file.state().placeholder.kind == "thumbhash"


def test_a_changed_setting_replaces_the_recorded_kind(ik_fakes: Fakes) -> None:
    file = CacheFile(Shown(source=SOURCE))
    assert file.placeholder.kind == "thumbhash"
    set_config(ik_fakes.config(placeholder="blurhash"))
    assert file.placeholder == fake_placeholder("blurhash", (40, 30))
    assert file.state().placeholder.kind == "blurhash"
    assert CacheFile(Shown(source=SOURCE)).placeholder.kind == "blurhash"
    assert ik_fakes.engine.placeheld == [(file.name, "blurhash")]


@pytest.mark.parametrize(
    ("content", "cause"), [(None, "FileNotFoundError"), (b"not an image\n", "SourceImageError")]
)
def test_a_recorded_file_gone_or_unreadable_has_no_placeholder_and_says_why(
    ik_fakes: Fakes, caplog: pytest.LogCaptureFixture, content: bytes | None, cause: str
) -> None:
    file = CacheFile(Thumbnail(source=SOURCE))
    assert file.url  # recorded as existing
    ik_fakes.storage.delete(file.name)
    if content is not None:
        ik_fakes.storage.save(file.name, io.BytesIO(content))
    with caplog.at_level("WARNING", logger="ik_host.placeholders"):
        assert placeholder_of(CacheFile(Thumbnail(source=SOURCE))) is None
    (message,) = [r.getMessage() for r in caplog.records if r.name == "ik_host.placeholders"]
    assert file.name in message and cause in message
    assert ik_fakes.backend.records[file.name].placeholder is None  # nothing made up


class ClearedBetween(dict):
    """A memo that another thread empties between a membership test and the read."""

    def __contains__(self, key: object) -> bool:
        self.clear()
        return True


def test_a_concurrent_clear_of_the_other_kinds_is_a_miss(
    ik_fakes: Fakes, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = CacheFile(Shown(source=SOURCE))
    assert file.url
    memo = ClearedBetween()
    memo.keep = memo.__setitem__  # type: ignore[attr-defined]
    monkeypatch.setattr("ik_host.placeholders._OTHER_KINDS", memo)
    assert placeholder_of(file, "color") == fake_placeholder("color", (40, 30))


def test_none_computes_nothing(ik_fakes: Fakes) -> None:
    set_config(ik_fakes.config(placeholder="none"))
    file = CacheFile(Thumbnail(source=SOURCE))
    assert file.placeholder is None
    assert ik_fakes.engine.jobs == []  # not even made for it
    assert file.url and ik_fakes.engine.jobs[0].placeholder == "none"
    assert file.state().placeholder is None and file.placeholder is None
    assert placeholder_of(file, "color") == fake_placeholder("color", (40, 30))  # when asked


def test_an_unknown_kind_lists_the_kinds(ik_fakes: Fakes) -> None:
    with pytest.raises(ValueError, match="thumbhash, blurhash, color or 'none'"):
        placeholder_of(CacheFile(Thumbnail(source=SOURCE)), "dominant")


class Deferring:
    """A strategy that never generates (a queue would, later)."""

    def on_existence_required(self, file: Any) -> None:
        pass


def test_a_file_not_made_yet_has_no_placeholder(ik_fakes: Fakes) -> None:
    set_config(ik_fakes.config(strategy=Deferring()))
    file = CacheFile(Thumbnail(source=SOURCE))
    assert file.placeholder is None
    assert ik_fakes.engine.jobs == [] and ik_fakes.engine.placeheld == []


class Store:
    """A record store holding one record (as the Django app's table would)."""

    def __init__(self, records: dict[str, StateRecord]) -> None:
        self.records = records
        self.saved: list[tuple[str, StateRecord]] = []

    def get_many(self, files: Any) -> dict[str, StateRecord]:
        return {file.name: self.records[file.name] for file in files if file.name in self.records}

    def save(self, file: Any, record: StateRecord) -> None:
        self.saved.append((file.name, record))


def test_the_record_store_answers_when_the_state_cache_lost_it(ik_fakes: Fakes) -> None:
    file = CacheFile(Thumbnail(source=SOURCE))
    ik_fakes.storage.save(file.name, _fake_bytes(40, 30))
    kept = Placeholder("thumbhash", "kept", DATA_URL)
    recorded = StateRecord(CacheFileState.EXISTS, 40, 30, 20, placeholder=kept)
    store = Store({file.name: recorded})
    set_config(ik_fakes.config(record_store=store))
    assert file.placeholder == kept
    assert ik_fakes.engine.placeheld == []  # no decoding
    assert ik_fakes.backend.records[file.name].placeholder == kept  # back in the state


def test_a_computed_placeholder_reaches_the_record_store(ik_fakes: Fakes) -> None:
    file = CacheFile(Thumbnail(source=SOURCE))
    ik_fakes.storage.save(file.name, _fake_bytes(40, 30))
    store = Store({})
    set_config(ik_fakes.config(record_store=store))
    assert file.placeholder == fake_placeholder("thumbhash", (40, 30))
    assert [(name, record.placeholder) for name, record in store.saved] == [
        (file.name, file.placeholder)
    ]


def _fake_bytes(width: int, height: int) -> Any:
    return io.BytesIO(f"FAKE {width}x{height} JPEG\n".encode())
