from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from conferences import services
from conferences.calendar import conference_ics
from conferences.drawing import legend, network_svg
from conferences.forms import (
    AnswerForm,
    ConferenceDayForm,
    ContactForm,
    InvitationsForm,
    MemberForm,
    NoteForm,
    ProfessionalFormSet,
    ScheduleForm,
)
from conferences.models import Conference, ConferenceKind
from conferences.rules import (
    answerable_notes,
    can_prepare,
    can_view_network_details,
    can_view_oversight_notes,
    can_view_preparation,
    invitations_open,
    schedulable_kinds,
)
from ekc.audit import AccessAction, log_access
from ekc.editing import StaleEdit, refuse_stale, submit_once
from ekc.rules import allowed, require
from referrals.models import NetworkMember
from referrals.selectors import get_referral_for
from referrals.services import TransitionError


def _case(request, pk, check=can_view_preparation):
    """The case if the user may see it (404 otherwise) and passes ``check`` (403)."""
    referral = get_referral_for(request.user, pk)
    require(check(request.user, referral))
    return referral


def preparation(
    request,
    pk,
    contact_form=None,
    member_form=None,
    invitations_form=None,
    note_form=None,
    answer_form=None,
):
    """The coordinator's case page: the referral's essentials, the log, the notes
    between manager and coordinator, the network, the drawing and the schedule, on
    one page that works on a phone."""
    referral = _case(request, pk)
    log_access(request, referral, AccessAction.VIEW, detail={"page": "preparation"})
    members = list(referral.network_members.all())
    moments = list(referral.contact_moments.select_related("member"))
    notes = _notes(request.user, referral, moments, note_form, answer_form)
    conferences = list(referral.conferences.prefetch_related("professionals"))
    restorative = is_restorative(referral, conferences)
    inviting = invitations_open(referral, conferences)
    last_participants = _last_participants(conferences)
    # After the conference, who came is each person's status; before it, the invitation.
    participants = {} if inviting else last_participants
    attendance = {pk: p.attendance for pk, p in participants.items()}
    can_invite = allowed("conferences.invite_network", request.user, referral)
    if can_invite and invitations_form is None:
        invitations_form = InvitationsForm(members=members)
    return render(
        request,
        "conferences/preparation.html",
        {
            "referral": referral,
            "network": [
                {
                    "member": m,
                    "participant": participants.get(m.pk),
                    "last_participant": last_participants.get(m.pk) if inviting else None,
                    "field": invitations_form.field_for(m) if can_invite else None,
                    "version": invitations_form.version_for(m) if can_invite else None,
                }
                for m in members
            ],
            "moments": moments,
            "summary": services.preparation_summary(referral, moments),
            "conferences": conferences,
            "drawing": mark_safe(  # noqa: S308 - built with escape()
                network_svg(referral, members, restorative=restorative, attendance=attendance)
            ),
            "legend": legend(members, attendance=attendance),
            "show_network_details": can_view_network_details(request.user, referral),
            "contact_form": contact_form or ContactForm(referral=referral),
            "member_form": member_form
            or MemberForm(restorative=restorative, invitations_open=inviting),
            "invitations_form": invitations_form if can_invite else None,
            "restorative": restorative,
            **notes,
        },
    )


def _notes(user, referral, moments, note_form, answer_form):
    """The notes between manager and coordinator for the page: each open one the
    user may answer with its form, each contact moment with the notes about it, and
    the form to write a comment (manager) or ask for advice (coordinator)."""
    if not can_view_oversight_notes(user, referral):
        for moment in moments:
            moment.notes_about = []
        return {"show_notes": False}
    notes = list(referral.oversight_notes.select_related("author", "answered_by"))
    by_moment = {}
    for moment in moments:
        moment.notes_about = by_moment.setdefault(moment.pk, [])
    moment_of = {moment.pk: moment for moment in moments}
    answering = answerable_notes(user, referral, notes)
    for note in notes:
        note.referral = referral
        if note.contact_moment_id in moment_of:
            # The moments are on the page already: no query per note.
            note.contact_moment = moment_of[note.contact_moment_id]
        by_moment.get(note.contact_moment_id, []).append(note)
        if answer_form is not None and answer_form.note.pk == note.pk:
            note.answer_form = answer_form
        elif note.pk in answering:
            note.answer_form = AnswerForm(note=note)
    context = {"show_notes": True, "notes": notes, "note_form": None, "note_advice": False}
    for advice, name in (
        (False, "conferences.comment_on_preparation"),
        (True, "conferences.ask_advice"),
    ):
        if allowed(name, user, referral):
            context["note_form"] = note_form or NoteForm(
                referral=referral, moments=moments, advice=advice
            )
            context["note_advice"] = advice
            context["note_action"] = name
            break
    return context


def _last_participants(conferences):
    """Member id -> their Participant at the case's last conference held ({} if none)."""
    held = [c for c in conferences if c.is_held]
    if not held:
        return {}
    last = max(held, key=lambda c: (c.held_on, c.pk))
    return {p.member_id: p for p in last.participants.all() if p.member_id is not None}


def is_restorative(referral, conferences=None):
    """Echt Recht: the network has two sides (victim's and offender's)."""
    if referral.occasion == "restorative":
        return True
    if conferences is None:
        return referral.conferences.filter(kind=ConferenceKind.RESTORATIVE).exists()
    return any(c.kind == ConferenceKind.RESTORATIVE for c in conferences)


@require_POST
@submit_once
def contact_add(request, pk):
    referral = _case(request, pk, check=can_prepare)
    form = ContactForm(request.POST, referral=referral)
    if form.is_valid():
        try:
            services.contact_log(referral=referral, actor=request.user, **form.cleaned_data)
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Contact moment saved."))
            return redirect(reverse("conferences:preparation", args=[pk]) + "#log")
    messages.error(request, _("Not saved yet: check the fields marked in red."))
    return preparation(request, pk, contact_form=form)


@require_POST
@submit_once
def member_add(request, pk):
    referral = _case(request, pk, check=can_prepare)
    form = MemberForm(
        request.POST,
        restorative=is_restorative(referral),
        invitations_open=invitations_open(referral),
    )
    if form.is_valid():
        services.member_save(referral=referral, actor=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("%(name)s has been added to the network.") % {"name": form.cleaned_data["name"]},
        )
        return redirect(reverse("conferences:preparation", args=[pk]) + "#network")
    messages.error(request, _("Not saved yet: check the fields marked in red."))
    return preparation(request, pk, member_form=form)


def member_edit(request, pk, member_pk):
    referral = _case(request, pk, check=can_prepare)
    member = get_object_or_404(NetworkMember, pk=member_pk, referral=referral)
    form = MemberForm(
        request.POST or None,
        instance=member,
        restorative=is_restorative(referral),
        invitations_open=invitations_open(referral),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.member_save(
                referral=referral,
                actor=request.user,
                member=member,
                version=form.read_version,
                **form.cleaned_data,
            )
        except StaleEdit as stale:
            refuse_stale(form, stale, url=request.path)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("conferences:preparation", args=[pk]) + "#network")
    log_access(request, referral, AccessAction.VIEW, detail={"page": "network_member"})
    return render(
        request,
        "conferences/member_form.html",
        {"referral": referral, "form": form, "member": member},
    )


@require_POST
def invitations_save(request, pk):
    """The network list's one save: every changed invitation at once, or none."""
    referral = _case(request, pk, check=can_prepare)
    members = list(referral.network_members.all())
    form = InvitationsForm(request.POST, members=members)
    if form.is_valid():
        try:
            changed = services.invitations_save(
                referral=referral, actor=request.user, invitations=form.invitations()
            )
        except StaleEdit:
            # The choices stay; the versions move on to the saved ones, so saving
            # again, after a look, is a deliberate choice.
            form.data = form.data.copy()
            for member in referral.network_members.all():
                form.data[f"version_{member.pk}"] = member.version
            form.stale_url = reverse("conferences:preparation", args=[pk]) + "#network"
            return preparation(request, pk, invitations_form=form)
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            if changed:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s invitation saved.", "%(count)s invitations saved.", len(changed)
                    )
                    % {"count": len(changed)},
                )
            else:
                messages.info(request, _("Nothing was changed."))
        return redirect(reverse("conferences:preparation", args=[pk]) + "#network")
    messages.error(request, _("Not saved yet: check the fields marked in red."))
    return preparation(request, pk, invitations_form=form)


@submit_once
def schedule(request, pk):
    referral = _case(request, pk, check=can_prepare)
    kinds = schedulable_kinds(referral)
    if not kinds:
        messages.error(
            request,
            _("A conference can only be scheduled once a coordinator has accepted the case."),
        )
        return redirect("conferences:preparation", pk=pk)
    form = ScheduleForm(
        request.POST or None,
        kinds=kinds,
        initial={"languages": referral.languages, "kind": kinds[0]},
    )
    formset = ProfessionalFormSet(
        request.POST or None, prefix="professionals", initial=_known_professionals(referral)
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            services.conference_schedule(
                referral=referral,
                actor=request.user,
                kind=data["kind"],
                starts_at=form.starts_at(),
                location_type=data["location_type"],
                address=data["address"],
                languages=data["languages"],
                interpreter=data["interpreter"],
                interpreter_note=data["interpreter_note"],
                food=data["food"],
                rituals=data["rituals"],
                professionals=[f for f in formset.cleaned_data if f and f.get("name")],
            )
        except TransitionError as exc:
            messages.error(request, str(exc))
            return redirect("conferences:preparation", pk=pk)
        messages.success(
            request,
            _(
                "The conference is scheduled. The referrer and the professionals with an"
                " email address have been told the date and place."
            ),
        )
        return redirect(reverse("conferences:preparation", args=[pk]) + "#schedule")
    return render(
        request,
        "conferences/schedule.html",
        {"referral": referral, "form": form, "formset": formset},
    )


def conference_change(request, conference_pk):
    """Change the date, place or the family's choices of a conference not yet held."""
    conference, referral = _conference(request, conference_pk, check=can_prepare)
    if conference.is_held:
        messages.info(request, _("This conference has been held; it cannot be changed."))
        return redirect("conferences:preparation", pk=referral.pk)
    local = timezone.localtime(conference.starts_at)
    form = ScheduleForm(
        request.POST or None,
        record=conference,
        kinds=[conference.kind],
        initial={
            "kind": conference.kind,
            "date": local.date(),
            "time": local.time(),
            "location_type": conference.location_type,
            "address": conference.address,
            "languages": conference.languages,
            "interpreter": conference.interpreter,
            "interpreter_note": conference.interpreter_note,
            "food": conference.food,
            "rituals": conference.rituals,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.conference_reschedule(
                conference=conference,
                actor=request.user,
                version=form.read_version,
                starts_at=form.starts_at(),
                **{
                    k: data[k]
                    for k in (
                        "location_type",
                        "address",
                        "languages",
                        "interpreter",
                        "interpreter_note",
                        "food",
                        "rituals",
                    )
                },
            )
        except StaleEdit as stale:
            refuse_stale(form, stale, url=request.path)
        except TransitionError as exc:
            messages.error(request, str(exc))
            return redirect("conferences:preparation", pk=referral.pk)
        else:
            messages.success(request, _("The conference has been changed."))
            return redirect(reverse("conferences:preparation", args=[referral.pk]) + "#schedule")
    log_access(request, referral, AccessAction.VIEW, detail={"page": "conference_change"})
    return render(
        request,
        "conferences/schedule.html",
        {"referral": referral, "form": form, "formset": None, "changing": True},
    )


def _known_professionals(referral):
    return [
        {
            "name": p.name,
            "organization": p.organization,
            "role": p.role,
            # The referral's contact is "phone or email": an address is offered as one.
            "email": p.contact if _is_email(p.contact) else "",
        }
        for p in referral.professionals.all()
    ]


def _is_email(text):
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def _conference(request, conference_pk, check):
    conference = get_object_or_404(Conference.objects.select_related("referral"), pk=conference_pk)
    referral = get_referral_for(request.user, conference.referral_id)
    require(check(request.user, referral))
    return conference, referral


@require_safe
def ics(request, conference_pk):
    """The conference as a calendar file, for everyone who may see the case."""
    conference, referral = _conference(request, conference_pk, check=lambda u, r: True)
    # The place may be the family's home.
    log_access(request, referral, AccessAction.EXPORT, detail={"page": "calendar_file"})
    response = HttpResponse(
        conference_ics(conference, request), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="conferentie-{referral.reference}.ics"'
    return response


def conference_day(request, conference_pk):
    """Log the day: the three phases and a quick attendance checklist."""
    conference, referral = _conference(request, conference_pk, check=can_prepare)
    if conference.is_held:
        messages.info(request, _("This conference day has already been logged."))
        return redirect("conferences:preparation", pk=referral.pk)
    members = list(referral.network_members.all())
    form = ConferenceDayForm(request.POST or None, conference=conference, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            services.conference_hold(
                conference=conference,
                actor=request.user,
                held_on=form.cleaned_data["held_on"],
                phases=form.phases(),
                attendance=form.attendance(),
                professionals_present=[
                    int(pk) for pk in form.cleaned_data["professionals_present"]
                ],
            )
        except (TransitionError, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The conference day has been saved. Well done!"))
            return redirect("conferences:preparation", pk=referral.pk)
    log_access(request, referral, AccessAction.VIEW, detail={"page": "conference_day"})
    return render(
        request,
        "conferences/day.html",
        {
            "referral": referral,
            "conference": conference,
            "form": form,
            "is_today": timezone.localdate() == timezone.localtime(conference.starts_at).date(),
        },
    )
