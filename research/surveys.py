"""Satisfaction surveys: invitations with personal token links, answering, paper entry.

Invitations go out only after the conference has been held. Each token answers
once and expires after ``SURVEY_VALID_DAYS``; unanswered email invitations get one
reminder after ``SURVEY_REMINDER_DAYS``.
"""

import datetime
import io

import segno
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.models import ConferenceStatus
from ekc.mail import send_after_commit
from ekc.rules import require_action
from referrals.services import TransitionError, record_event
from research.models import Respondent, SurveyInvitation, SurveyResponse

ANSWER_FIELDS = (
    "information_needed",
    "informed_enough",
    "informed_by",
    "had_say",
    "grade_conference",
    "grade_plan",
    "grade_coordinator",
    "grade_cooperation",
    "comments",
)


def survey_url(invitation):
    return settings.SITE_URL + reverse("research:survey", args=[invitation.token])


def qr_svg(url):
    """A QR code of ``url`` as SVG text (for printed invitations)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, xmldecl=False, svgclass="qr")
    return buffer.getvalue().decode()


def _why_no_surveys(referral):
    if referral.consent_withdrawn_on is not None:
        return _("The family withdrew its consent: no questionnaires are sent.")
    return _("Surveys are sent after the conference has been held.")


@transaction.atomic
def invitations_create(*, conference, actor, respondent, emails=(), printed=0):
    """Invite respondents of one group: by email (one link each) and/or on paper.

    Refused before the conference has been held. Returns the new invitations.
    """
    referral = conference.referral
    require_action(
        "research.invite_to_surveys",
        actor,
        referral,
        refused=lambda: _why_no_surveys(referral),
    )
    if not conference.is_held:
        raise TransitionError(_("Surveys are sent after the conference has been held."))
    expires = timezone.now() + datetime.timedelta(days=settings.SURVEY_VALID_DAYS)
    invitations = [
        SurveyInvitation(
            referral=referral,
            conference=conference,
            respondent=respondent,
            email=email,
            by_email=bool(email),
            created_by=actor,
            expires_at=expires,
        )
        for email in [*emails, *[""] * printed]
    ]
    SurveyInvitation.objects.bulk_create(invitations)
    for invitation in invitations:
        if invitation.email:
            send_after_commit(
                [invitation.email],
                "research/email/invitation",
                {"invitation": invitation, "url": survey_url(invitation), "conference": conference},
            )
    record_event(
        referral=referral,
        actor=actor,
        kind="surveys_sent",
        details={"respondent": respondent, "email": len(emails), "printed": printed},
    )
    return invitations


def invitation_by_token(token):
    return (
        SurveyInvitation.objects.select_related("conference", "referral")
        .filter(token=token)
        .first()
    )


@transaction.atomic
def response_submit(*, token, answers):
    """Save the answers of a token link: once only, and not after it expired."""
    invitation = SurveyInvitation.objects.select_for_update().filter(token=token).first()
    if invitation is None:
        raise SurveyInvitation.DoesNotExist
    if invitation.used_at is not None:
        raise TransitionError(_("This questionnaire has already been filled in. Thank you!"))
    if invitation.is_expired:
        raise TransitionError(_("This link has expired."))
    response = SurveyResponse.objects.create(
        referral_id=invitation.referral_id,
        invitation=invitation,
        respondent=invitation.respondent,
        **{name: answers.get(name) for name in ANSWER_FIELDS if name in answers},
    )
    invitation.used_at = timezone.now()
    invitation.email = ""  # no longer needed: no reminder follows an answer
    invitation.save(update_fields=["used_at", "email"])
    return response


@transaction.atomic
def paper_response_enter(*, referral, actor, respondent, answers):
    """Staff type in a questionnaire that was filled in on paper."""
    require_action(
        "research.invite_to_surveys",
        actor,
        referral,
        refused=lambda: _why_no_surveys(referral),
    )
    if not referral.conferences.filter(status=ConferenceStatus.HELD).exists():
        raise TransitionError(_("Surveys are sent after the conference has been held."))
    if respondent not in Respondent.values:
        raise ValueError(respondent)
    response = SurveyResponse.objects.create(
        referral=referral,
        respondent=respondent,
        entered_by=actor,
        **{name: answers.get(name) for name in ANSWER_FIELDS if name in answers},
    )
    record_event(
        referral=referral, actor=actor, kind="survey_entered", details={"respondent": respondent}
    )
    return response


def send_survey_reminders(now=None):
    """One reminder, after SURVEY_REMINDER_DAYS, for unanswered email invitations."""
    now = now or timezone.now()
    due = (
        SurveyInvitation.objects.filter(
            used_at__isnull=True,
            reminded_at__isnull=True,
            expires_at__gt=now,
            created_at__lte=now - datetime.timedelta(days=settings.SURVEY_REMINDER_DAYS),
        )
        .exclude(email="")
        .select_related("conference")
    )
    sent = 0
    for invitation in due:
        # Claim it first: a parallel run finds nothing left to remind.
        claimed = SurveyInvitation.objects.filter(
            pk=invitation.pk, reminded_at__isnull=True
        ).update(reminded_at=now)
        if claimed:
            with transaction.atomic():
                send_after_commit(
                    [invitation.email],
                    "research/email/reminder",
                    {
                        "invitation": invitation,
                        "url": survey_url(invitation),
                        "conference": invitation.conference,
                    },
                )
            sent += 1
    return sent
