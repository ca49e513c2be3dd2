#!/usr/bin/env python
"""manage.py of the packaging smoke project (see scripts/check_packaging.py)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smokesite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
