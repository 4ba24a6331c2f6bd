"""Members who volunteer as mentors, and the advisor pairing them with newcomers.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from coopdesk import lifecycle, notify
from coopdesk.accounts.models import Role, User
from coopdesk.conflicts import Conflict
from journeys.actions.base import _check_manager, _touch
from journeys.models import (
    EventKind,
    Journey,
    MentorOffer,
)


@transaction.atomic
def volunteer_as_mentor(
    *, member: User, is_active: bool, note: str = "", max_mentees: int = 3
) -> MentorOffer:
    if member.role != Role.MEMBER:
        raise PermissionDenied("mentors are members")
    offer, _created = MentorOffer.objects.update_or_create(
        member=member,
        defaults={"is_active": is_active, "note": note, "max_mentees": max_mentees},
    )
    return offer


def mentor_candidates(member: User):
    """Volunteers with room left, those of the member's sector and office first."""
    from django.db.models import Case, Count, F, IntegerField, Q, Value, When

    return (
        User.objects.filter(mentor_offer__is_active=True, is_active=True, role=Role.MEMBER)
        .exclude(pk=member.pk)
        .annotate(mentee_count=Count("mentees", distinct=True))
        .filter(mentee_count__lt=F("mentor_offer__max_mentees"))
        .annotate(
            match=Case(When(Q(sector=member.sector) & ~Q(sector=""), then=Value(2)),
                       default=Value(0), output_field=IntegerField())
            + Case(When(office_id=member.office_id, then=Value(1)), default=Value(0),
                   output_field=IntegerField())
        )
        .select_related("mentor_offer", "office")
        .order_by("-match", "first_name", "last_name")
    )


@transaction.atomic
def assign_mentor(journey: Journey, *, by: User, mentor: User) -> Journey:
    """The advisor pairs the member with a volunteer; both are told."""
    journey = lifecycle.lock(journey)
    _check_manager(journey, by)
    if not journey.is_open:
        raise Conflict(_("This path has ended."))
    member = User.objects.select_for_update().get(pk=journey.member_id)
    if mentor.pk == member.pk:
        raise Conflict(_("A member cannot be their own mentor."))
    if member.mentor_id == mentor.pk:
        raise Conflict(_("%(name)s is already the mentor.") % {"name": mentor.first_name})
    offer = MentorOffer.objects.select_for_update().filter(member=mentor, is_active=True).first()
    if offer is None or not mentor.is_active or mentor.role != Role.MEMBER:
        raise Conflict(
            _("%(name)s is not available as a mentor.") % {"name": mentor.get_full_name()}
        )
    if User.objects.filter(mentor=mentor).count() >= offer.max_mentees:
        raise Conflict(
            _("%(name)s already welcomes %(n)d newcomers, the most they offered.")
            % {"name": mentor.first_name, "n": offer.max_mentees}
        )
    member.mentor = mentor
    member.save(update_fields=["mentor"])
    journey.member = member
    _touch(journey)
    event = lifecycle.record(
        journey, EventKind.MENTOR_ASSIGNED, by=by,
        data={"mentor": mentor.get_full_name(), "mentor_id": mentor.pk,
              "also_notify": [mentor.pk]},
    )
    notify.event(event)
    return journey
