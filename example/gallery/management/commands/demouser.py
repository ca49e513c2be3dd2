"""``manage.py demouser``: a superuser for the local demo, if there is none by that name."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Create a superuser for the demo's admin (default demo/demo) unless it exists."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="demo")
        parser.add_argument("--password", default="demo")

    def handle(self, *args: Any, username: str, password: str, **options: Any) -> None:
        users = get_user_model()
        if users.objects.filter(username=username).exists():
            self.stdout.write(f"admin user {username!r} exists already")
            return
        users.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(f"created admin user {username!r}")
