"""``manage.py ik_plugins [--json]``: the installed ik_host plugins, as
``python -m ik_host plugins`` reports them (one function builds both, so they cannot disagree)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ik_host.cli import format_report, plugin_report


class Command(BaseCommand):
    help = "List installed ik_host plugins: distribution, version, hooks and components by kind."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print JSON instead of text"
        )

    def handle(self, *args: Any, as_json: bool = False, **options: Any) -> None:
        report = plugin_report()
        self.stdout.write(json.dumps(report, indent=2) if as_json else format_report(report))
