"""Where the apps built after this one plug into the reports, without ``reports`` importing
models that may not exist yet. Each future figure is one function, registered in its app's
``AppConfig.ready()``:

- "no plan" (development plan): ``register_behind_reason("no_plan", label, condition)`` where
  ``condition(today)`` returns a ``Q`` or boolean expression over ``Partnership`` rows (for
  example ``~Exists(Plan.objects.filter(partnership=OuterRef("pk"), status="agreed"))``
  combined with "meeting 2 held 14 days ago");
- "clip call progress" (clips): ``register_dashboard_panel(title, template, function)`` where
  ``function(filters)`` returns the template's context (a fixed number of queries);
- "clip scores" (clips): ``register_export("clip_scores", label, header, rows)`` where
  ``rows(filters)`` yields one tuple per score, in the order of ``header``.

Registered items appear on the dashboard, in the behind table, its counts and in the export
list with no change to this app."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from reports.enums import BehindReason


@dataclass(frozen=True)
class BehindCheck:
    code: str
    label: str
    condition: Callable  # (today) -> Q or boolean expression over Partnership


@dataclass(frozen=True)
class DashboardPanel:
    title: str
    template: str
    context: Callable  # (filters) -> dict


@dataclass(frozen=True)
class ExtraExport:
    name: str
    label: str
    header: list
    rows: Callable[..., Iterable[tuple]]  # (filters) -> rows


_behind_checks: dict[str, BehindCheck] = {}
_panels: list[DashboardPanel] = []
_exports: dict[str, ExtraExport] = {}


def register_behind_reason(code: str, label: str, condition: Callable) -> None:
    _behind_checks[code] = BehindCheck(code, label, condition)


def register_dashboard_panel(title: str, template: str, context: Callable) -> None:
    _panels.append(DashboardPanel(title, template, context))


def register_export(name: str, label: str, header: list, rows: Callable) -> None:
    _exports[name] = ExtraExport(name, label, header, rows)


def behind_reason_choices() -> list[tuple[str, str]]:
    return list(BehindReason.choices) + [(c.code, c.label) for c in _behind_checks.values()]


def behind_conditions(today) -> dict:
    return {code: check.condition(today) for code, check in _behind_checks.items()}


def dashboard_panels(filters) -> list[dict]:
    return [
        {"title": panel.title, "template": panel.template, **panel.context(filters)}
        for panel in _panels
    ]


def extra_exports() -> dict[str, ExtraExport]:
    return dict(_exports)
