import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from partnerships.enums import (
    ApplicationStatus,
    InstitutionKind,
    PartnershipStatus,
    Round,
    Sector,
    Voivodeship,
)
from partnerships.models import (
    Application,
    ApplicationCall,
    Institution,
    Partner,
    Partnership,
    Person,
    User,
)
from portal.enums import Role
from portal.tokens import hash_token

PASSWORD = "test-password-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name", locale="pl_PL")
    last_name = factory.Faker("last_name", locale="pl_PL")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            group, _ = Group.objects.get_or_create(name=extracted)
            self.groups.add(group)
            if extracted == Role.STAFF:
                self.is_staff = True
                self.save(update_fields=["is_staff"])


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Instytucja {n}")
    sector = Sector.PUBLIC
    kind = InstitutionKind.MUNICIPALITY
    commune = "Wąchock"
    voivodeship = Voivodeship.SWIETOKRZYSKIE


class LibraryFactory(InstitutionFactory):
    name = factory.Sequence(lambda n: f"Biblioteka Publiczna nr {n}")
    kind = InstitutionKind.LIBRARY


class PartnershipFactory(factory.django.DjangoModelFactory):
    """A partnership whose lead library is already its first partner."""

    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partnerstwo {n}")
    lead_library = factory.SubFactory(LibraryFactory)
    round = Round.I
    common_goal = "Wspólny cel partnerstwa."
    status = PartnershipStatus.IN_SUPPORT

    @factory.post_generation
    def with_library_partner(self, create, extracted, **kwargs):
        if create and extracted is not False:
            Partner.objects.create(
                partnership=self, institution=self.lead_library, contribution="c", benefit="b"
            )


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    partnership = factory.SubFactory(PartnershipFactory)
    institution = factory.SubFactory(InstitutionFactory)
    contribution = "Sala na spotkania."
    benefit = "Widoczność w gminie."


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    partnership = factory.SubFactory(PartnershipFactory)
    institution = factory.LazyAttribute(lambda o: o.partnership.lead_library)
    first_name = factory.Faker("first_name", locale="pl_PL")
    last_name = factory.Faker("last_name", locale="pl_PL")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    consent_given_at = factory.LazyFunction(timezone.now)


class ApplicationCallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationCall

    title = factory.Sequence(lambda n: f"Nabór {n}")
    round = Round.II
    opens_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=1))
    deadline = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=10))


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    call = factory.SubFactory(ApplicationCallFactory)
    access_token_hash = factory.Sequence(lambda n: hash_token(f"token-{n}"))
    library_name = "Gminna Biblioteka Publiczna w Łącku"
    library_commune = "Łąck"
    library_voivodeship = Voivodeship.MAZOWIECKIE
    contact_name = "Zofia Żak"
    contact_email = factory.Sequence(lambda n: f"applicant{n}@example.org")
    partnership_name = "Łąckie Partnerstwo"
    common_goal = "Brak miejsca spotkań dla rodziców."
    planned_partners = "Urząd Gminy, KGW, sklep."
    first_meeting_reflections = "Spotkanie było owocne."
    consent = True
    status = ApplicationStatus.DRAFT


# --- support --------------------------------------------------------------------------------
# Rows made directly, without the service's order and budget checks: use them for data a test
# only reads; go through support.services when the rules are what is tested.


class SupportSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "support.SupportSession"

    partnership = factory.SubFactory(PartnershipFactory)
    animator = factory.LazyAttribute(lambda o: o.partnership.animator)
    kind = "remote"
    channel = "phone"
    held_on = factory.LazyFunction(timezone.localdate)
    duration_minutes = 60
    notes = ""


class HourBudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "support.HourBudget"
        django_get_or_create = ("partnership",)

    partnership = factory.SubFactory(PartnershipFactory)
    minutes = 16 * 60


class PlannedMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "support.PlannedMeeting"

    planned_by_session = factory.SubFactory(SupportSessionFactory, kind="meeting_1")
    partnership = factory.LazyAttribute(lambda o: o.planned_by_session.partnership)
    planned_on = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=7))


class MaterialsDispatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "support.MaterialsDispatch"

    partnership = factory.SubFactory(PartnershipFactory)
    what = "Poradnik partnerstwa."
    sent_on = factory.LazyFunction(timezone.localdate)
    channel = "post"
    sent_by = factory.SubFactory(UserFactory, role="staff")


class PotentialPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "support.PotentialPartner"

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Firma {n}")
    sector = "business"
    kind = "company"
    contacted_by = "Maria Nowak"
    contacted_on = factory.LazyFunction(timezone.localdate)
    created_by = factory.LazyAttribute(lambda o: o.partnership.leader or UserFactory())


# --- events --------------------------------------------------------------------------------


class EventFactory(factory.django.DjangoModelFactory):
    """A study visit in a month, registration open now, 12 seats."""

    class Meta:
        model = "events.Event"

    kind = "study_visit"
    title = factory.Sequence(lambda n: f"Wizyta studyjna {n}")
    programme = "Dzień 1: spotkania. Dzień 2: dobre praktyki."
    place = "Łódź, ul. Piotrkowska 1"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timezone.timedelta(days=1))
    capacity = 12
    registration_opens_at = factory.LazyFunction(
        lambda: timezone.now() - timezone.timedelta(days=1)
    )
    registration_closes_at = factory.LazyFunction(
        lambda: timezone.now() + timezone.timedelta(days=10)
    )
    host_name = "Grażyna Wróbel"
    host_email = "host@example.org"
    host_phone = "600 100 200"
    host_organisation = "Biblioteka w Łodzi"
    provides_lodging = True
    provides_meals = True
    provides_transport = True
    provides_materials = True


class SeminarFactory(EventFactory):
    kind = "seminar"
    title = factory.Sequence(lambda n: f"Seminarium {n}")
    place = "Warszawa"
    host_name = ""
    host_email = ""
    host_phone = ""
    host_organisation = ""
    trainers = "Anna Trenerska"
    provides_transport = False
    provides_coffee_breaks = True
    travel_at_own_cost = True


# --- support: the development plan ---------------------------------------------------------


class DevelopmentPlanFactory(factory.django.DjangoModelFactory):
    """A draft plan with every section filled in (no actions)."""

    class Meta:
        model = "support.DevelopmentPlan"
        django_get_or_create = ("partnership",)

    partnership = factory.SubFactory(PartnershipFactory)
    concept = "Koncepcja współpracy."
    needs = "Potrzeby i problemy."
    goals = "Cele."
    promotion = "Promocja."
    evaluation = "Ewaluacja."


class PlanActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "support.PlanAction"

    plan = factory.SubFactory(DevelopmentPlanFactory)
    what = factory.Sequence(lambda n: f"Działanie {n}")
    partner = factory.LazyAttribute(lambda o: o.plan.partnership.partners.first())
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timezone.timedelta(days=30))
    resources = "Sala biblioteki."


class PlanVersionFactory(factory.django.DjangoModelFactory):
    """An agreed version made directly, with a minimal snapshot; use support.services.plan_agree
    when the agreement itself is tested."""

    class Meta:
        model = "support.PlanVersion"

    plan = factory.SubFactory(DevelopmentPlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    agreed_at = factory.LazyFunction(timezone.now)
    agreed_by_leader = factory.LazyAttribute(lambda o: o.plan.partnership.leader)
    agreed_by_animator = factory.LazyAttribute(lambda o: o.plan.partnership.animator)
    snapshot = factory.LazyAttribute(
        lambda o: {
            "partnership": {
                "name": o.plan.partnership.name,
                "lead_library": o.plan.partnership.lead_library.name,
                "commune": "Wąchock",
                "voivodeship": "świętokrzyskie",
                "round": 1,
                "leader": "",
                "animator": "",
            },
            "partners": [],
            "sections": [{"key": "concept", "text": "Koncepcja."}],
            "actions": [],
        }
    )


# --- clips ---------------------------------------------------------------------------------


class ClipCallFactory(factory.django.DjangoModelFactory):
    """An open call, scoring until a week from now; pass ``committee=[users]``."""

    class Meta:
        model = "clips.ClipCall"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Klip promocyjny {n}")
    clips_count = 3
    # §2.4.1: a number other than three is kept only with its reason (a database constraint)
    clips_count_reason = factory.LazyAttribute(
        lambda o: "" if o.clips_count == 3 else "Mniej klipów w tej edycji."
    )
    status = "open"
    scoring_deadline = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=7))

    @factory.post_generation
    def committee(self, create, extracted, **kwargs):
        if create and extracted:
            self.committee.set(extracted)
