"""What the partnerships app plugs into the platform (``portal.hooks``), from
``PartnershipsConfig.ready``."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerships import demo, selectors
from portal import hooks


def _load_demo(users: dict) -> None:
    users.update(demo.load())


def _place(institution) -> str:
    return f"{institution.commune}, {institution.get_voivodeship_display()}"


def partnership_hit(partnership) -> hooks.SearchHit:
    return hooks.SearchHit(
        title=partnership.name,
        url=reverse("partnership_detail", args=[partnership.pk]),
        detail=_("%(library)s, %(place)s")
        % {"library": partnership.lead_library.name, "place": _place(partnership.lead_library)},
    )


def institution_hit(institution) -> hooks.SearchHit:
    if institution.in_partnership_id:
        url = reverse("partnership_detail", args=[institution.in_partnership_id])
        detail = _("%(place)s; in the partnership %(partnership)s") % {
            "place": _place(institution),
            "partnership": institution.in_partnership_name,
        }
    else:  # in no partnership (yet): only staff find it, and change it in the admin
        url = reverse("admin:partnerships_institution_change", args=[institution.pk])
        detail = _("%(place)s; in no partnership") % {"place": _place(institution)}
    return hooks.SearchHit(title=institution.name, url=url, detail=detail)


def person_hit(person) -> hooks.SearchHit:
    return hooks.SearchHit(
        title=person.full_name,
        url=reverse("partnership_detail", args=[person.partnership_id]) + f"#person-{person.pk}",
        detail=f"{person.email} · {person.institution.name} · {person.partnership.name}",
    )


def application_hit(application) -> hooks.SearchHit:
    place = ", ".join(
        part
        for part in (application.library_commune, application.get_library_voivodeship_display())
        if part
    )
    return hooks.SearchHit(
        title=application.library_name,
        url=reverse("application_review", args=[application.pk]),
        detail=" · ".join(
            part
            for part in (place, application.get_status_display(), application.call.title)
            if part
        ),
    )


def register() -> None:
    hooks.register_demo_loader(_load_demo)
    hooks.register_search_source(
        "partnerstwa",
        gettext_lazy("Partnerships"),
        selectors.search_partnerships,
        partnership_hit,
    )
    hooks.register_search_source(
        "instytucje",
        gettext_lazy("Institutions"),
        selectors.search_institutions,
        institution_hit,
    )
    hooks.register_search_source(
        "osoby", gettext_lazy("People"), selectors.search_people, person_hit
    )
    hooks.register_search_source(
        "zgloszenia",
        gettext_lazy("Applications"),
        selectors.search_applications,
        application_hit,
    )
