"""The ``imagekit`` Django app: everything with side effects starts in ``ready()``."""

from __future__ import annotations

from importlib import import_module

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules

from ik_host.config import reset_config
from imagekit import checks, receivers
from imagekit.conf import install_defaults


class ImagekitConfig(AppConfig):
    name = "imagekit"
    verbose_name = "ImageKit"

    def ready(self) -> None:
        checks.refuse_mixed_install()
        install_defaults()
        receivers.connect()
        checks.register_checks()
        # Settings are complete now; forget any configuration built before.
        reset_config()
        # The generators the template tags rely on ("imagekit:thumbnail"), then each
        # installed app's own, so an app can replace a default one.
        import_module("imagekit.generatorlibrary")
        autodiscover_modules("imagegenerators")
