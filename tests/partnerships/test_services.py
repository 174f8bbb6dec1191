import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from partnerships import services
from partnerships.enums import ApplicationStatus, PartnershipStatus, Sector
from partnerships.models import Institution, Invitation, Partner, Partnership, Person, User
from portal import services as portal_services
from portal.enums import Role
from portal.tokens import hash_token
from tests.factories import (
    ApplicationCallFactory,
    ApplicationFactory,
    InstitutionFactory,
    PartnerFactory,
    PartnershipFactory,
    PersonFactory,
    UserFactory,
)


def _institution(**kwargs):
    defaults = {
        "name": "Koło Gospodyń",
        "sector": Sector.SOCIAL,
        "kind": "ngo",
        "commune": "Łąck",
        "voivodeship": "mazowieckie",
    }
    return Institution(**{**defaults, **kwargs})


@pytest.mark.django_db
def test_partner_add_creates_institution_and_partner():
    partnership = PartnershipFactory()
    partner = services.partner_add(
        partnership=partnership, institution=_institution(), contribution="Sala", benefit="Goście"
    )
    assert partner.institution.pk is not None
    assert partnership.partners.count() == 2


@pytest.mark.django_db
def test_partner_add_invalid_institution_saves_nothing():
    partnership = PartnershipFactory()
    with pytest.raises(ValidationError):
        services.partner_add(
            partnership=partnership,
            institution=_institution(sector="government"),
            contribution="Sala",
            benefit="Goście",
        )
    assert Institution.objects.filter(name="Koło Gospodyń").count() == 0


@pytest.mark.django_db
def test_partner_leave_keeps_the_row_with_a_date():
    partner = PartnerFactory(joined_on=datetime.date(2026, 10, 1))
    services.partner_leave(partner=partner, left_on=datetime.date(2026, 11, 1))
    partner.refresh_from_db()
    assert partner.left_on == datetime.date(2026, 11, 1)
    assert Partner.objects.filter(pk=partner.pk).exists()


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.mark.django_db
def test_partner_leave_lead_library_is_refused(english):
    partnership = PartnershipFactory()
    lead = partnership.partners.get()
    with pytest.raises(ValidationError, match="lead library"):
        services.partner_leave(partner=lead)
    lead.refresh_from_db()
    assert lead.left_on is None


@pytest.mark.django_db
def test_partner_leave_before_joining_is_refused():
    partner = PartnerFactory(joined_on=datetime.date(2026, 5, 1))
    with pytest.raises(ValidationError):
        services.partner_leave(partner=partner, left_on=datetime.date(2026, 4, 1))


@pytest.mark.django_db
def test_person_add_without_consent_is_refused():
    partnership = PartnershipFactory()
    with pytest.raises(ValidationError) as exc:
        services.person_add(
            partnership=partnership,
            consent=False,
            first_name="Ala",
            last_name="Kot",
            email="ala@example.org",
            institution=partnership.lead_library,
        )
    assert "consent" in exc.value.message_dict
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_person_add_records_consent_time_and_lowercases_email():
    partnership = PartnershipFactory()
    person = services.person_add(
        partnership=partnership,
        consent=True,
        first_name="Ala",
        last_name="Kot",
        email="Ala@Example.org",
        institution=partnership.lead_library,
    )
    assert person.email == "ala@example.org"
    assert person.consent_given_at is not None


@pytest.mark.django_db
def test_person_add_from_institution_outside_partnership_is_refused():
    partnership = PartnershipFactory()
    with pytest.raises(ValidationError) as exc:
        services.person_add(
            partnership=partnership,
            consent=True,
            first_name="Ala",
            last_name="Kot",
            email="ala@example.org",
            institution=InstitutionFactory(),
        )
    assert "institution" in exc.value.message_dict


@pytest.mark.django_db
def test_person_add_same_email_twice_is_refused():
    person = PersonFactory(email="ala@example.org")
    with pytest.raises(ValidationError):
        services.person_add(
            partnership=person.partnership,
            consent=True,
            first_name="Ala",
            last_name="Kot",
            email="ALA@example.org",
            institution=person.institution,
        )
    assert Person.objects.count() == 1


def _leader_person(partnership, **fields):
    data = {
        "first_name": "Anna",
        "last_name": "Lis",
        "email": "a.lis@biblioteka.example",
        "institution": partnership.lead_library,
    }
    return services.person_add(partnership=partnership, consent=True, **{**data, **fields})


def test_person_add_as_leader_links_the_leaders_account(world):
    """§2.3.3: the library leader is one of the partnership's people, linked to the leader's
    account; the e-mail on the record may differ from the login."""
    person = _leader_person(world.partnership_a, is_leader=True)
    assert person.user == world.leader_a
    assert person.history.latest().user_id == world.leader_a.pk


def test_person_update_leader_link_moves_to_the_person_ticked(world):
    first = _leader_person(world.partnership_a, is_leader=True)
    second = PersonFactory(partnership=world.partnership_a)
    services.person_update(person=second, is_leader=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.user, second.user) == (None, world.leader_a)


def test_person_update_leader_unticked_removes_the_link(world):
    person = _leader_person(world.partnership_a, is_leader=True)
    services.person_update(person=person, is_leader=False, position="bibliotekarka")
    person.refresh_from_db()
    assert (person.user, person.position) == (None, "bibliotekarka")


def test_person_update_without_is_leader_keeps_the_link(world):
    person = _leader_person(world.partnership_a, is_leader=True)
    services.person_update(person=person, position="dyrektorka")
    person.refresh_from_db()
    assert person.user == world.leader_a


@pytest.mark.django_db
def test_person_add_as_leader_without_a_leader_account_refused():
    partnership = PartnershipFactory(leader=None)
    with pytest.raises(ValidationError) as exc:
        _leader_person(partnership, is_leader=True)
    assert "is_leader" in exc.value.message_dict
    assert not Person.objects.exists()


def test_person_add_with_the_leaders_login_email_is_linked(world):
    person = _leader_person(world.partnership_a, email=world.leader_a.email.upper())
    assert person.user == world.leader_a


def test_person_add_with_the_leaders_email_when_another_is_linked_stays_unlinked(world):
    _leader_person(world.partnership_a, is_leader=True)
    other = _leader_person(world.partnership_a, email=world.leader_a.email)
    assert other.user is None


def test_person_account_once_per_partnership_held_by_the_database(world):
    from django.db import IntegrityError, transaction

    PersonFactory(partnership=world.partnership_a, user=world.leader_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(partnership=world.partnership_a, user=world.leader_a)


def test_is_leader_person_uses_the_link_only(world):
    from partnerships.selectors import is_leader_person

    linked = PersonFactory(partnership=world.partnership_a, user=world.leader_a)
    by_email = PersonFactory(partnership=world.partnership_b, email=world.leader_b.email)
    assert is_leader_person(linked, world.partnership_a)
    assert not is_leader_person(by_email, world.partnership_b)
    assert not is_leader_person(linked, world.partnership_b)


# --- §2.3.3: the leader is one of the partnership's people from the moment the account exists


def _linked(partnership):
    return list(
        Person.objects.filter(partnership=partnership, user__isnull=False).values_list(
            "email", "user__email"
        )
    )


@pytest.mark.django_db
def test_application_qualify_adds_the_leader_as_a_linked_person():
    staff = UserFactory(role=Role.STAFF)
    application = ApplicationFactory(contact_email="Zofia@Example.org", contact_phone="600 100 200")
    services.application_submit(application=application)
    partnership = services.application_qualify(application=application, actor=staff)
    person = Person.objects.get(partnership=partnership)
    assert (person.user, person.first_name, person.last_name) == (
        partnership.leader,
        "Zofia",
        "Żak",
    )
    assert (person.email, person.phone) == ("zofia@example.org", "600 100 200")
    assert person.institution == partnership.lead_library
    application.refresh_from_db()
    assert person.consent_given_at == application.submitted_at  # the application's consent


@pytest.mark.django_db
def test_application_qualify_with_one_word_contact_name_adds_nobody_and_still_qualifies():
    application = ApplicationFactory(contact_name="Zofia")
    services.application_submit(application=application)
    partnership = services.application_qualify(
        application=application, actor=UserFactory(role=Role.STAFF)
    )
    assert partnership.leader is not None
    assert not Person.objects.filter(partnership=partnership).exists()


@pytest.mark.django_db
def test_invitation_accept_to_lead_adds_the_leader_as_a_linked_person():
    partnership = PartnershipFactory(leader=None)
    invitation = services.user_invite(
        email="l@example.org",
        role=Role.LEADER,
        invited_by=None,
        first_name="Lena",
        last_name="Lis",
        partnership=partnership,
    )
    assert not Person.objects.filter(partnership=partnership).exists()  # no consent yet
    user = services.invitation_accept(invitation=invitation, password="Bardzo-trudne-haslo-1")
    person = Person.objects.get(partnership=partnership)
    assert (person.user, person.full_name) == (user, "Lena Lis")
    invitation.refresh_from_db()
    assert person.consent_given_at == invitation.accepted_at


@pytest.mark.django_db
def test_invitation_accept_links_the_person_already_listed_with_the_login_email():
    partnership = PartnershipFactory(leader=None)
    listed = PersonFactory(partnership=partnership, email="l@example.org")
    invitation = services.user_invite(
        email="L@example.org", role=Role.LEADER, invited_by=None, partnership=partnership
    )
    listed.refresh_from_db()
    assert listed.user == invitation.user  # linked as soon as the account exists
    services.invitation_accept(invitation=invitation, password="Bardzo-trudne-haslo-1")
    assert Person.objects.filter(partnership=partnership).count() == 1


def test_user_invite_new_leader_moves_the_link(world):
    old = PersonFactory(partnership=world.partnership_a, user=world.leader_a)
    new = PersonFactory(partnership=world.partnership_a, email="nowa.liderka@example.org")
    invitation = services.user_invite(
        email="nowa.liderka@example.org",
        role=Role.LEADER,
        invited_by=None,
        partnership=world.partnership_a,
    )
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.user, new.user) == (None, invitation.user)
    address = "nowa.liderka@example.org"
    assert _linked(world.partnership_a) == [(address, address)]


def test_leader_person_sync_without_a_leader_removes_every_link(world):
    PersonFactory(partnership=world.partnership_a, user=world.leader_a)
    world.partnership_a.leader = None
    world.partnership_a.save()
    assert services.leader_person_sync(partnership=world.partnership_a) is None
    assert _linked(world.partnership_a) == []


@pytest.mark.django_db
def test_person_archive_hides_but_keeps_the_person():
    person = PersonFactory()
    services.person_archive(person=person)
    person.refresh_from_db()
    assert person.archived_at is not None


@pytest.mark.django_db(transaction=True)
def test_user_invite_creates_inactive_account_in_role_and_mails_link():
    staff = UserFactory(role=Role.STAFF)
    invitation = services.user_invite(
        email="New.Animator@Example.org", role=Role.ANIMATOR, invited_by=staff, first_name="Ola"
    )
    user = invitation.user
    assert user.email == "new.animator@example.org"
    assert not user.is_active and not user.has_usable_password()
    assert user.groups.filter(name=Role.ANIMATOR).exists()
    assert len(mail.outbox) == 1
    assert "/zaproszenie/" in mail.outbox[0].body
    assert mail.outbox[0].subject.startswith("Zaproszenie")


@pytest.mark.django_db
def test_user_invite_staff_role_grants_staff_status():
    invitation = services.user_invite(email="s@example.org", role=Role.STAFF, invited_by=None)
    assert invitation.user.is_staff


@pytest.mark.django_db
def test_user_invite_existing_active_account_is_refused():
    UserFactory(email="taken@example.org")
    with pytest.raises(ValidationError) as exc:
        services.user_invite(email="TAKEN@example.org", role=Role.LEADER, invited_by=None)
    assert "email" in exc.value.message_dict


@pytest.mark.django_db
def test_user_invite_again_revokes_the_unused_invitation():
    first = services.user_invite(email="a@example.org", role=Role.LEADER, invited_by=None)
    second = services.user_invite(email="a@example.org", role=Role.LEADER, invited_by=None)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.is_usable()
    assert User.objects.filter(email="a@example.org").count() == 1


@pytest.mark.django_db
def test_user_invite_leader_with_partnership_sets_leader():
    partnership = PartnershipFactory(leader=None)
    invitation = services.user_invite(
        email="l@example.org", role=Role.LEADER, invited_by=None, partnership=partnership
    )
    partnership.refresh_from_db()
    assert partnership.leader == invitation.user


@pytest.mark.django_db
def test_invitation_accept_activates_and_uses_up_the_invitation():
    invitation = services.user_invite(email="a@example.org", role=Role.LEADER, invited_by=None)
    user = services.invitation_accept(invitation=invitation, password="Bardzo-trudne-haslo-1")
    assert user.is_active and user.check_password("Bardzo-trudne-haslo-1")
    with pytest.raises(ValidationError):
        services.invitation_accept(invitation=invitation, password="Inne-haslo-2026")


@pytest.mark.django_db
def test_invitation_accept_after_expiry_is_refused(time_machine):
    invitation = services.user_invite(email="a@example.org", role=Role.LEADER, invited_by=None)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=8))
    with pytest.raises(ValidationError):
        services.invitation_accept(invitation=invitation, password="Bardzo-trudne-haslo-1")
    assert not User.objects.get(pk=invitation.user_id).is_active


@pytest.mark.django_db
def test_role_groups_ensure_gives_staff_group_portal_permissions():
    from django.contrib.auth.models import Group

    portal_services.role_groups_ensure()
    staff = Group.objects.get(name=Role.STAFF)
    assert staff.permissions.filter(codename="change_partnership").exists()
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


# --- applications -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_application_start_saves_draft_and_mails_its_link():
    call = ApplicationCallFactory()
    application, token = services.application_start(
        call=call, library_name="Biblioteka w Łącku", contact_email="b@example.org"
    )
    assert application.status == ApplicationStatus.DRAFT
    assert application.access_token_hash == hash_token(token)
    assert token in mail.outbox[0].body


@pytest.mark.django_db
def test_application_start_with_submit_incomplete_saves_nothing():
    call = ApplicationCallFactory()
    with pytest.raises(ValidationError) as exc:
        services.application_start(
            call=call, submit=True, library_name="Biblioteka", contact_email="b@example.org"
        )
    assert "common_goal" in exc.value.message_dict
    assert not call.applications.exists()


@pytest.mark.django_db
def test_application_start_on_closed_call_is_refused(english):
    call = ApplicationCallFactory(
        deadline=timezone.now() - datetime.timedelta(minutes=1),
        opens_at=timezone.now() - datetime.timedelta(days=5),
    )
    with pytest.raises(ValidationError, match="closed"):
        services.application_start(call=call, library_name="B", contact_email="b@example.org")


@pytest.mark.django_db
def test_application_submit_complete_draft_is_submitted():
    application = ApplicationFactory()
    services.application_submit(application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_at is not None


@pytest.mark.django_db
def test_application_submit_without_consent_is_refused():
    application = ApplicationFactory(consent=False)
    with pytest.raises(ValidationError) as exc:
        services.application_submit(application=application)
    assert "consent" in exc.value.message_dict
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


@pytest.mark.django_db
def test_application_submit_after_deadline_is_refused(time_machine, english):
    application = ApplicationFactory()
    time_machine.move_to(application.call.deadline + datetime.timedelta(seconds=1))
    with pytest.raises(ValidationError, match="deadline"):
        services.application_submit(application=application)


@pytest.mark.django_db
def test_application_save_draft_after_submission_is_refused():
    application = ApplicationFactory()
    services.application_submit(application=application)
    with pytest.raises(ValidationError):
        services.application_save_draft(application=application, library_name="Zmiana")
    application.refresh_from_db()
    assert application.library_name != "Zmiana"


@pytest.mark.django_db(transaction=True)
def test_application_qualify_creates_partnership_invites_leader_and_tells_applicant():
    staff = UserFactory(role=Role.STAFF)
    animator = UserFactory(role=Role.ANIMATOR)
    application = ApplicationFactory(contact_email="zofia@example.org")
    services.application_submit(application=application)
    mail.outbox.clear()

    partnership = services.application_qualify(
        application=application, actor=staff, animator=animator
    )

    application.refresh_from_db()
    assert application.status == ApplicationStatus.QUALIFIED
    assert application.partnership == partnership
    assert partnership.status == PartnershipStatus.IN_SUPPORT
    assert partnership.animator == animator and partnership.animator_assigned_on is not None
    assert partnership.lead_library.kind == "library"
    assert partnership.partners.get().institution == partnership.lead_library
    assert partnership.leader.email == "zofia@example.org"
    assert Invitation.objects.filter(user=partnership.leader, role=Role.LEADER).exists()
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(subjects) == 2
    assert any("zakwalifikowa" in s.lower() for s in subjects)


@pytest.mark.django_db
def test_application_qualify_twice_is_refused():
    staff = UserFactory(role=Role.STAFF)
    application = ApplicationFactory()
    services.application_submit(application=application)
    services.application_qualify(application=application, actor=staff)
    with pytest.raises(ValidationError):
        services.application_qualify(application=application, actor=staff)
    assert Partnership.objects.count() == 1


@pytest.mark.django_db
def test_application_reject_requires_a_reason():
    staff = UserFactory(role=Role.STAFF)
    application = ApplicationFactory()
    services.application_submit(application=application)
    with pytest.raises(ValidationError):
        services.application_reject(application=application, actor=staff, note="  ")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_application_reject_tells_applicant_with_the_reason():
    staff = UserFactory(role=Role.STAFF)
    application = ApplicationFactory()
    services.application_submit(application=application)
    mail.outbox.clear()
    services.application_reject(application=application, actor=staff, note="Brak partnerów.")
    assert "Brak partnerów." in mail.outbox[0].body
    application.refresh_from_db()
    assert application.decided_by == staff


@pytest.mark.django_db
def test_partnership_assign_animator_refuses_non_animator(world):
    partnership = PartnershipFactory(animator=None)
    with pytest.raises(ValidationError) as exc_info:
        services.partnership_assign_animator(
            partnership=partnership, actor=world.staff, animator=UserFactory()
        )
    assert "nie ma roli animatora" in " ".join(exc_info.value.messages)
    partnership.refresh_from_db()
    assert partnership.animator is None


def test_partnership_assign_animator_by_non_staff_refused(world):
    with pytest.raises(PermissionDenied):
        services.partnership_assign_animator(
            partnership=world.partnership_a, actor=world.animator_a, animator=world.animator_b
        )
    world.partnership_a.refresh_from_db()
    assert world.partnership_a.animator == world.animator_a


def test_partnership_assign_animator_keeps_date_and_actor_in_history(world):
    partnership = PartnershipFactory(animator=None, status=PartnershipStatus.QUALIFIED)
    day = timezone.localdate() - datetime.timedelta(days=3)
    services.partnership_assign_animator(
        partnership=partnership, actor=world.staff, animator=world.animator_a, assigned_on=day
    )
    partnership.refresh_from_db()
    assert (partnership.animator, partnership.animator_assigned_on) == (world.animator_a, day)
    assert partnership.status == PartnershipStatus.IN_SUPPORT  # §2.1: support starts
    services.partnership_assign_animator(
        partnership=partnership, actor=world.staff, animator=world.animator_b
    )
    rows = list(partnership.history.order_by("history_date", "history_id"))
    assert [(r.animator_id, r.animator_assigned_on, r.history_user_id) for r in rows[-2:]] == [
        (world.animator_a.pk, day, world.staff.pk),
        (world.animator_b.pk, timezone.localdate(), world.staff.pk),
    ]


def test_partnership_assign_animator_in_the_future_refused(world):
    partnership = PartnershipFactory(animator=None)
    with pytest.raises(ValidationError) as exc_info:
        services.partnership_assign_animator(
            partnership=partnership,
            actor=world.staff,
            animator=world.animator_a,
            assigned_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert "w przyszłości" in " ".join(exc_info.value.messages)
    partnership.refresh_from_db()
    assert partnership.animator is None


def test_partnership_assign_animator_withdrawn_partnership_refused(world):
    partnership = PartnershipFactory(animator=None, status=PartnershipStatus.WITHDRAWN)
    with pytest.raises(ValidationError):
        services.partnership_assign_animator(
            partnership=partnership, actor=world.staff, animator=world.animator_a
        )


def test_partnership_assign_animator_removal_clears_the_date(world):
    services.partnership_assign_animator(
        partnership=world.partnership_a, actor=world.staff, animator=None
    )
    world.partnership_a.refresh_from_db()
    assert world.partnership_a.animator is None
    assert world.partnership_a.animator_assigned_on is None


def test_application_qualify_by_non_staff_refused(world):
    application = ApplicationFactory(
        status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now()
    )
    with pytest.raises(PermissionDenied):
        services.application_qualify(application=application, actor=world.animator_a)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


@pytest.mark.django_db
def test_calendar_token_reset_changes_the_token():
    user = UserFactory()
    old = user.calendar_token
    services.calendar_token_reset(user=user)
    user.refresh_from_db()
    assert user.calendar_token != old
