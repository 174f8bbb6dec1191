"""Reads, and who may see what. Every object a user reaches starts from a queryset here."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from partnerships.enums import (
    PROGRAMME_STATUSES,
    SUPPORTED_STATUSES,
    ApplicationStatus,
    PartnershipStatus,
    Sector,
    SectorCoverage,
)
from partnerships.models import (
    Application,
    ApplicationCall,
    Institution,
    Invitation,
    Partner,
    Partnership,
    Person,
    User,
)
from portal import figures, hooks, search
from portal.enums import Role
from portal.mail import Recipient
from portal.roles import is_staff_member
from portal.tokens import hash_token

SECTOR_FIELDS = {
    Sector.PUBLIC: "has_public",
    Sector.SOCIAL: "has_social",
    Sector.BUSINESS: "has_business",
}


# §1.2: a partnership covers a sector when an active partner (one that has not left) is of it.
ACTIVE_PARTNER = Q(partners__left_on__isnull=True)


def _active_partners() -> QuerySet[Partner]:
    return Partner.objects.filter(left_on__isnull=True)


def with_sector_coverage(qs: QuerySet[Partnership]) -> QuerySet[Partnership]:
    """Annotate ``has_public``, ``has_social`` and ``has_business``: whether an active partner
    of that sector is in the partnership (§1.2)."""
    annotations = {
        field: Exists(
            _active_partners().filter(partnership=OuterRef("pk"), institution__sector=sector)
        )
        for sector, field in SECTOR_FIELDS.items()
    }
    return qs.annotate(**annotations)


def sector_coverage_totals(qs: QuerySet[Partnership]) -> dict:
    """Of the partnerships of ``qs``: how many there are (``total``), how many cover each
    sector (``public``, ``social``, ``business``) and all three (``full``). One query: a
    single grouped pass over their active partners, instead of three probes per
    partnership."""
    covers = {
        field: Max(Case(When(active_partners__institution__sector=sector, then=1), default=0))
        for sector, field in SECTOR_FIELDS.items()
    }
    per_partnership = (
        qs.order_by()
        .annotate(active_partners=FilteredRelation("partners", condition=ACTIVE_PARTNER))
        .values("pk")
        .annotate(**covers)
    )
    return per_partnership.aggregate(
        total=Count("pk"),
        **{
            sector_field.removeprefix("has_"): Count("pk", filter=Q(**{sector_field: 1}))
            for sector_field in SECTOR_FIELDS.values()
        },
        full=Count("pk", filter=Q(**dict.fromkeys(SECTOR_FIELDS.values(), 1))),
    )


def missing_sectors(partnership: Partnership) -> list[Sector]:
    """Sectors not covered; needs a partnership annotated by ``with_sector_coverage``."""
    return [s for s, field in SECTOR_FIELDS.items() if not getattr(partnership, field)]


def partnerships_for_user(user) -> QuerySet[Partnership]:
    """Staff see every partnership; an animator those they animate; a leader those they lead."""
    qs = Partnership.objects.all()
    if is_staff_member(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(Q(animator=user) | Q(leader=user))


def partnership_list(
    *,
    user,
    search: str = "",
    round: int | None = None,
    status: str = "",
    coverage: str = "",
    voivodeship: str = "",
    animator_id: int | None = None,
) -> QuerySet[Partnership]:
    qs = with_sector_coverage(
        partnerships_for_user(user).select_related("lead_library", "leader", "animator")
    )
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(lead_library__name__icontains=search)
            | Q(lead_library__commune__icontains=search)
        )
    if round:
        qs = qs.filter(round=round)
    if status:
        qs = qs.filter(status=status)
    if voivodeship:
        qs = qs.filter(lead_library__voivodeship=voivodeship)
    if animator_id:
        qs = qs.filter(animator_id=animator_id)
    if coverage:
        qs = filter_by_coverage(qs, coverage)
    return qs.order_by("name", "pk")


def filter_by_coverage(qs: QuerySet[Partnership], coverage: str) -> QuerySet[Partnership]:
    """Filter a queryset annotated by ``with_sector_coverage``."""
    if coverage == SectorCoverage.FULL:
        return qs.filter(has_public=True, has_social=True, has_business=True)
    if coverage == SectorCoverage.MISSING:
        return qs.filter(Q(has_public=False) | Q(has_social=False) | Q(has_business=False))
    if coverage == SectorCoverage.NO_PUBLIC:
        return qs.filter(has_public=False)
    if coverage == SectorCoverage.NO_SOCIAL:
        return qs.filter(has_social=False)
    if coverage == SectorCoverage.NO_BUSINESS:
        return qs.filter(has_business=False)
    return qs


def partnership_get_for_user(user, pk) -> Partnership:
    """The partnership if the user may see it, else 404 (its existence is not revealed)."""
    qs = with_sector_coverage(
        partnerships_for_user(user).select_related("lead_library", "leader", "animator")
    )
    try:
        return qs.get(pk=pk)
    except (Partnership.DoesNotExist, ValueError):
        raise Http404 from None


def can_edit_partnership(user, partnership: Partnership) -> bool:
    """Staff and the partnership's leader change its data; its animator only reads it."""
    return is_staff_member(user) or (
        partnership.leader_id is not None and partnership.leader_id == user.pk
    )


def partnership_get_for_editing(user, pk) -> Partnership:
    """404 when the user cannot see it, 403 when they can see but not change it."""
    partnership = partnership_get_for_user(user, pk)
    if not can_edit_partnership(user, partnership):
        raise PermissionDenied
    return partnership


def partners_of(partnership: Partnership, *, include_former: bool = True) -> QuerySet[Partner]:
    qs = partnership.partners.select_related("institution").order_by("left_on", "joined_on", "pk")
    if not include_former:
        qs = qs.filter(left_on__isnull=True)
    return qs


def partner_get(partnership: Partnership, pk) -> Partner:
    try:
        return partnership.partners.select_related("institution").get(pk=pk)
    except (Partner.DoesNotExist, ValueError):
        raise Http404 from None


def people_of(partnership: Partnership) -> QuerySet[Person]:
    return partnership.people.filter(archived_at__isnull=True).select_related("institution")


def is_leader_person(person: Person, partnership: Partnership) -> bool:
    """§2.3.3 "w tym lider biblioteczny": the library leader is the person of the partnership
    linked to its leader's account (the e-mail on the record may differ from the login).
    ``partnerships.services`` keeps the link: one person per partnership holds it."""
    return partnership.leader_id is not None and person.user_id == partnership.leader_id


def person_get(partnership: Partnership, pk) -> Person:
    try:
        return people_of(partnership).get(pk=pk)
    except (Person.DoesNotExist, ValueError):
        raise Http404 from None


def users_with_role(role: str) -> QuerySet[User]:
    qs = User.objects.filter(is_active=True)
    if role == Role.STAFF:
        return qs.filter(Q(is_staff=True) | Q(groups__name=Role.STAFF)).distinct()
    return qs.filter(groups__name=role).distinct()


def animator_choices() -> list[tuple[int, str]]:
    """``(pk, name)`` of every active animator, by name, for the animator filters of the
    lists and the dashboard; kept per version of the data (``portal.figures``)."""

    def compute():
        animators = users_with_role(Role.ANIMATOR).order_by("last_name", "first_name", "pk")
        return [(user.pk, str(user)) for user in animators]

    return figures.cached(("partnerships.animator_choices",), compute)


def open_application_calls(now=None) -> QuerySet[ApplicationCall]:
    now = now or timezone.now()
    return ApplicationCall.objects.filter(opens_at__lte=now, deadline__gt=now).order_by("deadline")


def application_calls_for_staff() -> QuerySet[ApplicationCall]:
    """Every call, the latest deadline first, with its submitted applications counted (drafts
    are the libraries' own until submitted)."""
    return ApplicationCall.objects.annotate(
        submitted_count=Count(
            "applications", filter=~Q(applications__status=ApplicationStatus.DRAFT)
        ),
        draft_count=Count("applications", filter=Q(applications__status=ApplicationStatus.DRAFT)),
    ).order_by("-deadline", "-pk")


def application_call_get_for_staff(pk) -> ApplicationCall:
    try:
        return ApplicationCall.objects.get(pk=pk)
    except (ApplicationCall.DoesNotExist, ValueError):
        raise Http404 from None


def application_call_get_open(pk) -> ApplicationCall:
    try:
        return open_application_calls().get(pk=pk)
    except (ApplicationCall.DoesNotExist, ValueError):
        raise Http404 from None


def application_get_by_token(token: str) -> Application:

    try:
        return Application.objects.select_related("call").get(access_token_hash=hash_token(token))
    except Application.DoesNotExist:
        raise Http404 from None


def applications_for_review(*, status: str = "", search: str = "") -> QuerySet[Application]:
    qs = Application.objects.exclude(status=ApplicationStatus.DRAFT).select_related(
        "call", "decided_by", "partnership"
    )
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(
            Q(library_name__icontains=search)
            | Q(library_commune__icontains=search)
            | Q(partnership_name__icontains=search)
        )
    return qs.order_by("status", "-submitted_at", "pk")


def application_get_for_review(pk) -> Application:
    try:
        return applications_for_review().get(pk=pk)
    except (Application.DoesNotExist, ValueError):
        raise Http404 from None


def invitation_list(*, search: str = "") -> QuerySet[Invitation]:
    """Every invitation, newest first; ``search`` a part of the person's name or e-mail."""
    qs = Invitation.objects.select_related("user", "invited_by", "partnership")
    if search:
        qs = qs.filter(
            Q(user__email__icontains=search)
            | Q(user__first_name__icontains=search)
            | Q(user__last_name__icontains=search)
        )
    return qs.order_by("-created_at", "-pk")


def invitation_get_by_token(token: str) -> Invitation | None:

    return (
        Invitation.objects.select_related("user", "partnership")
        .filter(token_hash=hash_token(token))
        .first()
    )


def staff_overview() -> dict:
    """The few figures the staff start page shows, in a fixed number of queries, kept per
    version of the data (``portal.figures``; the pending invitations depend on the time, so
    they are counted on each request)."""

    def compute():
        by_status = dict(
            Partnership.objects.values_list("status").annotate(n=Count("pk")).order_by()
        )
        coverage = sector_coverage_totals(
            Partnership.objects.exclude(status=PartnershipStatus.WITHDRAWN)
        )
        return {
            "status_rows": [
                (value, label, by_status.get(value, 0))
                for value, label in PartnershipStatus.choices
            ],
            "total_partnerships": sum(by_status.values()),
            "missing_sector_count": coverage["total"] - coverage["full"],
            "without_animator_count": Partnership.objects.filter(
                animator__isnull=True, status__in=SUPPORTED_STATUSES
            ).count(),
            "applications_to_decide": Application.objects.filter(
                status=ApplicationStatus.SUBMITTED
            ).count(),
        }

    return {
        **figures.cached(("partnerships.staff_overview",), compute),
        "pending_invitations": Invitation.objects.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).count(),
    }


def user_get_by_calendar_token(token: str) -> User:
    try:
        return User.objects.get(calendar_token=token, is_active=True)
    except User.DoesNotExist:
        raise Http404 from None


def message_recipients(partnerships, *, animators: bool = False) -> list:
    """Who a message from staff to these partnerships reaches: each one's leader (or
    animator) with an active account and an address (``portal.mail.Recipient``, about the
    partnership). Needs ``leader`` and ``animator`` loaded (``partnership_list`` does)."""
    recipients = []
    for partnership in partnerships:
        user = partnership.animator if animators else partnership.leader
        if user is not None and user.is_active and user.email:
            recipients.append(Recipient(user.email, user, partnership))
    return recipients


# --- the path through the programme -----------------------------------------------------------
# One line per partnership: applied, qualified, then the steps the other apps own (support:
# materials to the plan; events: the study visit and the seminar; clips: the clip), each
# registered with ``portal.hooks.register_path_source`` and computed by the rules of the app
# that owns it.


class PathState:
    DONE = "done"
    MISSED = "missed"  # not done, though a later step is
    NEXT = "next"
    PENDING = "pending"


@dataclass(frozen=True)
class PathEntry:
    step: hooks.PathStep
    state: str
    label: str = ""  # the step's label, translated (once per step code and page)

    @property
    def is_done(self) -> bool:
        return self.state == PathState.DONE

    @property
    def is_next(self) -> bool:
        return self.state == PathState.NEXT


@dataclass(frozen=True)
class ProgrammePath:
    entries: tuple

    @property
    def done_count(self) -> int:
        return sum(entry.is_done for entry in self.entries)

    @property
    def next(self) -> PathEntry | None:
        return next((entry for entry in self.entries if entry.is_next), None)


def _own_path_steps(partnerships) -> dict[int, list[hooks.PathStep]]:
    """Applied and qualified, from the partnership's application (one query). A partnership
    made without an application (in the admin) has applied and, once in the programme, been
    qualified, on a date the portal does not know."""
    applications = {
        pk: (submitted_at, status, decided_at)
        for pk, submitted_at, status, decided_at in Application.objects.filter(
            partnership__in=[p.pk for p in partnerships]
        ).values_list("partnership_id", "submitted_at", "status", "decided_at")
    }
    steps = {}
    for partnership in partnerships:
        submitted_at, status, decided_at = applications.get(partnership.pk, (None, "", None))
        qualified = (
            status == ApplicationStatus.QUALIFIED or partnership.status in PROGRAMME_STATUSES
        )
        steps[partnership.pk] = [
            hooks.PathStep(
                order=10,
                code="applied",
                label=pgettext_lazy("programme path", "applied"),
                done=True,
                done_on=timezone.localdate(submitted_at) if submitted_at else None,
            ),
            hooks.PathStep(
                order=20,
                code="qualified",
                label=pgettext_lazy("programme path", "qualified"),
                done=qualified,
                done_on=(
                    timezone.localdate(decided_at)
                    if qualified and decided_at and status == ApplicationStatus.QUALIFIED
                    else None
                ),
            ),
        ]
    return steps


def programme_paths(partnerships) -> dict[int, ProgrammePath]:
    """Each partnership's path through the programme, by id: every step, done (with its date
    when known), missed (not done while a later one is), the next one (the first not done after
    the last done; none for a withdrawn partnership) and those still to come. For a page of
    partnerships: one query here and a constant number per app that registered steps,
    whatever the number of partnerships."""
    partnerships = list(partnerships)
    steps = _own_path_steps(partnerships)
    for pk, found in hooks.path_steps(partnerships).items():
        steps.setdefault(pk, []).extend(found)
    paths = {}
    labels: dict[str, str] = {}  # a step's label depends on its code only: translated once
    for partnership in partnerships:
        ordered = sorted(steps.get(partnership.pk, []), key=lambda s: s.order)
        last_done = max((i for i, step in enumerate(ordered) if step.done), default=-1)
        next_found = partnership.status == PartnershipStatus.WITHDRAWN
        entries = []
        for i, step in enumerate(ordered):
            if step.done:
                state = PathState.DONE
            elif i < last_done:  # a later step is done: this one was never recorded
                state = PathState.MISSED
            elif not next_found:
                state, next_found = PathState.NEXT, True
            else:
                state = PathState.PENDING
            label = labels.get(step.code)
            if label is None:
                label = labels[step.code] = str(step.label)
            entries.append(PathEntry(step, state, label))
        paths[partnership.pk] = ProgrammePath(tuple(entries))
    return paths


def with_programme_paths(partnerships) -> list[Partnership]:
    """The partnerships as a list, each with its ``programme_path``."""
    partnerships = list(partnerships)
    paths = programme_paths(partnerships)
    for partnership in partnerships:
        partnership.programme_path = paths[partnership.pk]
    return partnerships


# --- search (``portal.search``; the indexes are in migration 0009_search_indexes) -----------

INSTITUTION_DOCUMENT = ("name", "email", "commune", "voivodeship")
PARTNERSHIP_DOCUMENT = ("name",)
PERSON_DOCUMENT = ("first_name", "last_name", "email")
APPLICATION_DOCUMENT = (
    "library_name",
    "library_commune",
    "library_voivodeship",
    "contact_name",
    "contact_email",
    "partnership_name",
)


def search_partnerships(user, query: str) -> QuerySet[Partnership]:
    """Partnerships the user sees, by their name or their lead library (name, e-mail,
    commune, voivodeship)."""
    libraries = search.filtered(
        Institution.objects.all(), query, documents=[search.Folded(*INSTITUTION_DOCUMENT)]
    )
    return search.matching(
        partnerships_for_user(user).select_related("lead_library"),
        query,
        documents=[search.Folded(*PARTNERSHIP_DOCUMENT)],
        title=search.Folded(*PARTNERSHIP_DOCUMENT),
        also=Q(lead_library__in=libraries),
    )


def institutions_for_user(user) -> QuerySet[Institution]:
    """Staff see every institution; others those leading or partners of partnerships they
    see."""
    qs = Institution.objects.all()
    if is_staff_member(user):
        return qs
    visible = partnerships_for_user(user)
    return qs.filter(
        Q(pk__in=visible.values("lead_library"))
        | Q(pk__in=Partner.objects.filter(partnership__in=visible).values("institution"))
    )


def search_institutions(user, query: str) -> QuerySet[Institution]:
    """Institutions by name, e-mail, commune or voivodeship, each with the partnership whose
    page it opens (``in_partnership_id``/``_name``: the one it leads, else the latest it
    joined among those the user sees)."""
    # The lead library is a partner too (partnerships.services): one look-up by institution.
    latest = (
        Partner.objects.filter(
            institution=OuterRef("pk"), partnership__in=partnerships_for_user(user)
        )
        # Inner columns only: SQLite cannot read the outer row in a subquery's ORDER BY.
        .annotate(
            leads=Case(When(partnership__lead_library=F("institution_id"), then=1), default=0)
        )
        .order_by("-leads", "-joined_on", "-pk")
    )
    return search.matching(
        institutions_for_user(user).annotate(
            in_partnership_id=Subquery(latest.values("partnership_id")[:1]),
            in_partnership_name=Subquery(latest.values("partnership__name")[:1]),
        ),
        query,
        documents=[search.Folded(*INSTITUTION_DOCUMENT)],
        title=search.Folded("name"),
    )


def search_people(user, query: str) -> QuerySet[Person]:
    """People (not archived) of the partnerships the user sees, by name or e-mail."""
    return search.matching(
        Person.objects.filter(
            archived_at__isnull=True, partnership__in=partnerships_for_user(user)
        ).select_related("partnership", "institution"),
        query,
        documents=[search.Folded(*PERSON_DOCUMENT)],
        title=search.Folded("last_name", "first_name"),
    )


def search_applications(user, query: str) -> QuerySet[Application] | None:
    """Submitted applications (staff only), by library, commune, voivodeship, contact or the
    partnership's name."""
    if not is_staff_member(user):
        return None
    return search.matching(
        applications_for_review(),
        query,
        documents=[search.Folded(*APPLICATION_DOCUMENT)],
        title=search.Folded("library_name"),
    )
