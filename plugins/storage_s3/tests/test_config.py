"""The plugin is found through its entry point, and the storage made with no arguments (as the
host makes it) takes its settings from ``Config.extra["s3"]`` and the environment."""

from __future__ import annotations

import pytest

from ik_host.cli import plugin_report
from ik_host.config import Config, set_config
from ik_host.registry import get_registry
from ik_storage_s3 import S3ConfigurationError, S3Storage


@pytest.fixture
def config_extra():
    def use(**s3):
        set_config(Config(extra={"s3": s3}))

    yield use
    set_config(None)


def test_discovered_through_its_entry_point():
    report = {entry["name"]: entry for entry in plugin_report()}
    assert report["storage_s3"]["distribution"] == "ik-storage-s3"
    assert report["storage_s3"]["components"] == {"storage": ["s3"]}
    registry = get_registry("storage")
    assert registry.resolve("s3") is S3Storage
    assert registry.resolve("ik_storage_s3.S3Storage") is S3Storage


def test_environment_variables_configure_a_bare_storage(aws_environment, monkeypatch):
    monkeypatch.setenv("IK_S3_BUCKET", "from-env")
    monkeypatch.setenv("IK_S3_PREFIX", "/cache/")
    monkeypatch.setenv("IK_S3_ENDPOINT_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("IK_S3_CACHE_CONTROL", "max-age=60")
    monkeypatch.setenv("IK_S3_QUERYSTRING_EXPIRE", "90")
    monkeypatch.setenv("IK_S3_QUERYSTRING_AUTH", "no")
    options = S3Storage().options
    assert (options.bucket_name, options.prefix, options.endpoint_url) == (
        "from-env",
        "cache",
        "http://127.0.0.1:9",
    )
    assert (options.cache_control, options.querystring_expire) == ("max-age=60", 90)
    assert options.querystring_auth is False
    assert S3Storage().url("a.jpg") == "http://127.0.0.1:9/from-env/cache/a.jpg"


def test_arguments_win_over_config_which_wins_over_the_environment(
    aws_environment, monkeypatch, config_extra
):
    monkeypatch.setenv("IK_S3_BUCKET", "from-env")
    monkeypatch.setenv("IK_S3_PREFIX", "env-prefix")
    config_extra(bucket_name="from-config", custom_domain="cdn.example.org")
    storage = S3Storage(custom_domain="img.example.org")
    assert storage.bucket_name == "from-config"
    assert storage.url("a.jpg") == "https://img.example.org/env-prefix/a.jpg"


def test_boto_endpoint_variable_is_honoured_by_plain_urls(aws_environment, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://minio.local:9000")
    storage = S3Storage(bucket_name="b")
    assert storage.url("x.png") == "http://minio.local:9000/b/x.png"
    assert storage.client.meta.endpoint_url == "http://minio.local:9000"


def test_a_missing_bucket_setting_or_an_unknown_option_is_a_clear_error(
    aws_environment, config_extra
):
    storage = S3Storage()  # nothing is read until the storage is used
    with pytest.raises(S3ConfigurationError, match="IK_S3_BUCKET"):
        storage.url("a.jpg")
    assert "no bucket configured" in repr(storage)
    config_extra(bucket="typo")
    with pytest.raises(S3ConfigurationError, match=r"unknown S3 storage option.*'bucket'"):
        S3Storage().exists("a.jpg")
