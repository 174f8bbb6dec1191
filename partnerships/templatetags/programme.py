"""One partnership's path through the programme (``partnerships.selectors.programme_paths``)
as HTML: an ordered list, each step with a mark and, for screen readers, its state in words,
so that no state is told by colour alone. Dates as 12.03.2026 (one format for the whole
path). With ``compact``, the list's column: marks for every step, the name of the next step
only (the others in words for screen readers and as a tooltip).

Written in Python rather than an included template: the partnership list draws one path per
row, ten steps each, and the template took 16 ms of a 53 ms page at data set L (each step's
label and state words translated again on every row); here each text is translated once per
language and process, each step's label once per page (``PathEntry.label``)."""

import functools

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext

from partnerships.selectors import PathState

register = template.Library()

MARKS = {PathState.DONE: "✓", PathState.NEXT: "➜", PathState.MISSED: "!", PathState.PENDING: "○"}


@functools.lru_cache(maxsize=16)
def _state_words(language: str | None) -> dict[str, str]:
    """The state of a step in words and "planned", escaped (one entry per language)."""
    return {
        PathState.DONE: escape(pgettext("programme path", "done")),
        PathState.NEXT: escape(pgettext("programme path", "next step")),
        PathState.MISSED: escape(pgettext("programme path", "not recorded")),
        PathState.PENDING: escape(pgettext("programme path", "not yet")),
        "planned": escape(pgettext("programme path", "planned")),
    }


def _time(day) -> str:
    return f'<time datetime="{day.isoformat()}">{day.strftime("%d.%m.%Y")}</time>'


def _step(entry, words: dict[str, str], compact: bool) -> str:
    step, state = entry.step, entry.state
    label = escape(entry.label)
    is_done, is_next = state == PathState.DONE, state == PathState.NEXT
    parts = [f'<li class="path-step path-{state}"']
    if is_next:
        parts.append(' aria-current="step"')
    if compact:
        parts.append(f' title="{label}"')
    parts.append(f'>\n    <span class="path-mark" aria-hidden="true">{MARKS[state]}</span>\n')
    label_class = "visually-hidden" if compact and not is_next else "path-label"
    parts.append(
        f'    <span class="{label_class}">{label}'
        f'<span class="visually-hidden">: {words[state]}</span>'
    )
    if is_done and step.done_on:
        parts.append(f'\n    <time class="path-date" datetime="{step.done_on.isoformat()}">')
        parts.append(f"{step.done_on.strftime('%d.%m.%Y')}</time>")
    if not is_done and step.planned_on:
        parts.append(
            f'\n    <span class="path-date">{words["planned"]} {_time(step.planned_on)}</span>'
        )
    if not is_done and step.note:
        parts.append(f'\n    <span class="path-date">{escape(step.note)}</span>')
    parts.append("</span>\n  </li>\n")
    return "".join(parts)


@register.simple_tag
def programme_path(path, compact: bool = False) -> str:
    """``{% programme_path partnership.programme_path compact=True %}``."""
    words = _state_words(get_language())
    steps = "".join(_step(entry, words, compact) for entry in path.entries)
    css = "programme-path programme-path-compact" if compact else "programme-path"
    return mark_safe(f'<ol class="{css}">\n{steps}</ol>')  # noqa: S308 -- every text escaped above
