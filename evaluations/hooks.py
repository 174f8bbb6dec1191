"""What the evaluation plugs into the platform (``portal.hooks``), from
``EvaluationsConfig.ready``."""

from evaluations import demo, tasks
from portal import hooks


def register() -> None:
    hooks.register_reminder(tasks.survey_invitation)
    hooks.register_reminder(tasks.survey_reminder)
    hooks.register_demo_loader(demo.load)
