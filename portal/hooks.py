"""The one registry of extension points. Apps fill it only from their ``AppConfig.ready()``,
through their own ``hooks.py``, and only downwards: an app registers what it owns, and the
app that shows it (the reminder engine, the digest, the dashboard, the exports, the calendar
feed, ``load_demo``) reads the registry without importing the app that registered it.

Extension points (``register_…`` from an app's ``hooks.py``; who reads them):

- a scheduled reminder, ``register_reminder(task)`` with a ``@reminder`` task: the reminder
  engine (``portal.reminders``), the beat schedule and the preferences page;
- a section of the weekly staff digest, ``register_digest_section(source)``:
  ``portal.tasks.staff_digest``;
- a reason a partnership is behind, ``register_behind_reason(code, label, condition, since)``:
  the staff dashboard and the staff worklist (``reports``);
- a dashboard panel, ``register_dashboard_panel(title, template, context)``: the dashboard;
- an export, ``register_export(name, label, header, rows)``: the staff exports;
- calendar items, ``register_calendar_source(source)``: each user's feed (``portal.calendar``);
- another periodic task, ``register_periodic_task(task, every_seconds)``: the beat schedule;
- demo data, ``register_demo_loader(load)``: ``manage.py load_demo``, in registration order;
- what is open for a partnership's leader, ``register_leader_todo_source(source)``: the
  leader's start page (the partnership's page);
- steps of a partnership's path through the programme, ``register_path_source(source)``:
  ``partnerships.selectors.programme_paths`` (the partnership page, the list);
- what the partnership page shows beside the three-sector badges,
  ``register_sector_panel(template, context)``: the partnership page.
- a kind of record the top bar's search finds, ``register_search_source(...)``: the search
  page (``portal.search``).
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Reminder:
    """A scheduled reminder as registered: the scan (``portal.reminders.reminder``) and the
    name of the Celery task that runs it."""

    kind: str
    label: str
    description: str
    essential: bool
    roles: tuple[str, ...]
    scan: Callable[..., Iterable]  # (now, **filters) -> portal.reminders.Due items
    task_name: str


@dataclass(frozen=True)
class Since:
    """From when a reason's rule holds for a partnership: ``date`` an expression over
    ``Partnership`` rows giving a date or a datetime (``None`` when unknown), to which ``days``
    are added (the rule's threshold), so that the database does no date arithmetic."""

    date: object
    days: int = 0


@dataclass(frozen=True)
class BehindCheck:
    code: str
    label: str
    condition: Callable  # (today) -> Q or boolean expression over Partnership rows
    since: Callable | None = None  # (today) -> Since, for the worklist's "for N days"


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


@dataclass(frozen=True)
class Todo:
    """Something waiting for a partnership's leader: what, where to do it, until when."""

    text: str
    url: str
    action: str  # the button's label
    due: object = None  # a date or datetime, shown as the deadline


@dataclass(frozen=True)
class PathStep:
    """One step of a partnership's path through the programme, as an app that owns it
    computes it: ``order`` places it on the path, ``label`` names it (the same label for
    the same ``code``), ``done_on`` is when it was done (``None``
    with ``done`` when the date is not known), ``planned_on`` when it is planned (shown while
    the step is still to come) and ``note`` a few words on where it stands."""

    order: int
    code: str
    label: str
    done: bool = False
    done_on: object = None  # a date
    planned_on: object = None  # a date
    note: str = ""


@dataclass(frozen=True)
class SectorPanel:
    template: str
    context: Callable  # (user, partnership) -> dict


@dataclass(frozen=True)
class SearchHit:
    """One record found by the search: what it is called, a line about it, its page."""

    title: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class SearchSource:
    key: str  # in the address of the kind's own results page
    label: str  # the kind, plural ("Partnerships")
    # (user, query) -> the matching records, best first (``portal.search.matching``), or None
    # when the user does not search this kind
    results: Callable
    hit: Callable  # (record) -> SearchHit


_reminders: dict[str, Reminder] = {}
_digest_sections: list[Callable] = []
_behind_checks: dict[str, BehindCheck] = {}
_panels: list[DashboardPanel] = []
_exports: dict[str, ExtraExport] = {}
_calendar_sources: list[Callable] = []
_demo_loaders: list[Callable] = []
_periodic: dict[str, int] = {}
_leader_todo_sources: list[Callable] = []
_path_sources: list[Callable] = []
_sector_panels: list[SectorPanel] = []
_search_sources: dict[str, SearchSource] = {}


def _append_once(items: list, item) -> None:
    if item not in items:
        items.append(item)


# --- registering (from AppConfig.ready) -------------------------------------------------------


def register_reminder(task) -> None:
    """``task`` is what ``portal.reminders.reminder`` returns; its spec is ``task.spec``."""
    _reminders[task.spec.kind] = task.spec


def register_digest_section(source: Callable) -> None:
    """``source(now) -> DigestSection``; a constant number of queries."""
    _append_once(_digest_sections, source)


def register_behind_reason(
    code: str, label, condition: Callable, since: Callable | None = None
) -> None:
    """``condition(today)`` returns a ``Q`` or boolean expression over ``Partnership`` rows.
    The dashboard adds "the partnership is in support" itself. ``since(today)`` returns a
    ``Since``: from when the condition holds (the worklist shows "for N days"); a reason
    without it shows no duration."""
    _behind_checks[code] = BehindCheck(code, label, condition, since)


def register_dashboard_panel(title, template: str, context: Callable) -> None:
    panel = DashboardPanel(title, template, context)
    if all(p.template != template for p in _panels):
        _panels.append(panel)


def register_export(name: str, label, header: list, rows: Callable) -> None:
    _exports[name] = ExtraExport(name, label, header, rows)


def register_calendar_source(source: Callable) -> None:
    """``source(user) -> Iterable[CalendarItem]``, called once per feed request."""
    _append_once(_calendar_sources, source)


def register_demo_loader(load: Callable) -> None:
    """``load(users)`` adds an app's demo data; ``users`` is what the first loader returned
    (the demo accounts by key). Idempotent: ``load_demo`` runs on every ``make run``."""
    _append_once(_demo_loaders, load)


def register_periodic_task(task, every_seconds: int) -> None:
    """A Celery task beat runs every ``every_seconds`` (not a reminder: those are scheduled
    from ``register_reminder``)."""
    _periodic[task.name] = every_seconds


def register_leader_todo_source(source: Callable) -> None:
    """``source(user, partnership) -> Iterable[Todo]``: what is open for the partnership's
    leader in an app; a constant number of queries."""
    _append_once(_leader_todo_sources, source)


def register_path_source(source: Callable) -> None:
    """``source(partnerships) -> {partnership id: [PathStep, ...]}`` for a list of
    partnerships (a page of them): the steps the app owns, in a constant number of queries
    whatever the number of partnerships."""
    _append_once(_path_sources, source)


def register_sector_panel(template: str, context: Callable) -> None:
    """A piece of the partnership page shown beside its three-sector badges (§1.2):
    ``template`` rendered with ``context(user, partnership)``, or nothing when that is
    ``None``."""
    if all(p.template != template for p in _sector_panels):
        _sector_panels.append(SectorPanel(template, context))


def register_search_source(key: str, label, results: Callable, hit: Callable) -> None:
    """A kind of record the search finds: ``results(user, query)`` returns a queryset built
    by ``portal.search.matching`` over what the user may see (their selector), or None when
    the kind is not for them; ``hit(record)`` a ``SearchHit``. Kinds are shown in the order
    they were registered."""
    _search_sources[key] = SearchSource(key, label, results, hit)


# --- reading -----------------------------------------------------------------------------------


def reminders() -> dict[str, Reminder]:
    return dict(_reminders)


def digest_sources() -> list[Callable]:
    return list(_digest_sections)


def behind_reason_choices() -> list[tuple[str, str]]:
    return [(check.code, check.label) for check in _behind_checks.values()]


def behind_conditions(today) -> dict:
    return {code: check.condition(today) for code, check in _behind_checks.items()}


def behind_since(today) -> dict:
    """``{code: Since}`` for the reasons that say from when they hold."""
    return {code: check.since(today) for code, check in _behind_checks.items() if check.since}


def dashboard_panels(filters) -> list[dict]:
    return [
        {"title": panel.title, "template": panel.template, **panel.context(filters)}
        for panel in _panels
    ]


def extra_exports() -> dict[str, ExtraExport]:
    return dict(_exports)


def calendar_sources() -> list[Callable]:
    return list(_calendar_sources)


def demo_loaders() -> list[Callable]:
    return list(_demo_loaders)


def periodic_tasks() -> dict[str, int]:
    return dict(_periodic)


def leader_todos(user, partnership) -> list[Todo]:
    """Everything open for the leader, earliest deadline first (undated last)."""
    todos = [todo for source in _leader_todo_sources for todo in source(user, partnership)]
    return sorted(todos, key=_due_key)


def _due_key(todo: Todo) -> tuple:
    due = todo.due
    if due is None:
        return (1, "")
    if isinstance(due, datetime.datetime):
        due = timezone.localtime(due)
    return (0, due.isoformat())


def path_steps(partnerships) -> dict[int, list[PathStep]]:
    """Every registered app's steps for each of ``partnerships``, unordered."""
    steps: dict[int, list[PathStep]] = {p.pk: [] for p in partnerships}
    for source in _path_sources:
        for pk, found in source(partnerships).items():
            steps.setdefault(pk, []).extend(found)
    return steps


def sector_panels(user, partnership) -> list[dict]:
    panels = []
    for panel in _sector_panels:
        context = panel.context(user, partnership)
        if context is not None:
            panels.append({"template": panel.template, **context})
    return panels


def search_sources() -> dict[str, SearchSource]:
    return dict(_search_sources)
