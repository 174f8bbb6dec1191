"""Demo data of the reports app: one former representative, anonymised, so the personal
data page shows both states. Idempotent: nothing is added once an anonymisation exists. The
dashboard needs no data of its own; it reads what the other apps' demo data hold."""

from django.utils import timezone

from partnerships.models import Partnership, Person
from reports.models import Anonymisation
from reports.services import person_anonymise


def load(users) -> None:
    if Anonymisation.objects.exists():
        return
    partnership = Partnership.objects.order_by("pk").first()
    if partnership is None:
        return
    person = Person.objects.create(
        partnership=partnership,
        institution=partnership.lead_library,
        first_name="Jan",
        last_name="Dawny",
        email="jan.dawny@demo.prb.pl",
        position="były kierownik filii",
        consent_given_at=timezone.now() - timezone.timedelta(days=200),
        archived_at=timezone.now() - timezone.timedelta(days=30),
    )
    person_anonymise(person=person, actor=users["staff"])
