"""What the reports app plugs into the platform (``portal.hooks``), from
``ReportsConfig.ready``."""

from portal import hooks
from reports import demo


def register() -> None:
    hooks.register_demo_loader(demo.load)
