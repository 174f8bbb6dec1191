"""What the partnerships app plugs into the platform (``portal.hooks``), from
``PartnershipsConfig.ready``."""

from partnerships import demo
from portal import hooks


def _load_demo(users: dict) -> None:
    users.update(demo.load())


def register() -> None:
    hooks.register_demo_loader(_load_demo)
