"""The persistent record of every cache file: one row per file the project has made or seen."""

from __future__ import annotations

from django.db import models


class CacheFileRecord(models.Model):
    """What is known of one cache file, kept beyond any cache's lifetime."""

    # The SHA-1 of the name (imagekit.cachefiles.record_table.record_key): every database can
    # index it, whatever the name's length.
    key = models.CharField(max_length=40, primary_key=True, editable=False)
    name = models.TextField()
    state = models.CharField(max_length=16)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    format = models.CharField(max_length=16, blank=True)
    size = models.BigIntegerField("bytes", null=True, blank=True)
    generator_id = models.CharField(max_length=255, blank=True, db_index=True)
    source_name = models.TextField(blank=True)
    # The record_key of source_name: the rows of one source, found by an index on every database.
    source_key = models.CharField(max_length=40, blank=True, db_index=True)
    made_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # The file's placeholder as ik_host.placeholders.Placeholder.dump() writes it: kind, value
    # and, for the hashes, a data URL under 1 KB; empty when none was computed.
    placeholder = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "imagekit"
        db_table = "imagekit_cachefile"
        verbose_name = "cache file"

    def __str__(self) -> str:
        return f"{self.name} ({self.state})"
