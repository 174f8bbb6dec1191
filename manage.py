#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if "DJANGO_DEBUG" not in os.environ and "DJANGO_SECRET_KEY" not in os.environ:
        # A developer's shell: nothing configured, so development mode (production always
        # sets DJANGO_SECRET_KEY, and the WSGI server never passes through here).
        os.environ["DJANGO_DEBUG"] = "1"
    from django.core.management import execute_from_command_line  # noqa: PLC0415 -- after env

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
