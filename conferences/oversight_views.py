"""The notes between the regional manager and the coordinator: write a comment, ask
for advice, answer one. Each is a POST from the preparation page, which shows the
form again, with what was typed, when it has an error."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conferences import services
from conferences.forms import AnswerForm, NoteForm
from conferences.models import OversightNote
from conferences.rules import can_view_oversight_notes
from conferences.views import preparation
from ekc.editing import submit_once
from ekc.rules import require, require_actor
from referrals.selectors import get_referral_for
from referrals.services import TransitionError


def _note_add(request, pk, *, advice):
    referral = get_referral_for(request.user, pk)
    name = "conferences.ask_advice" if advice else "conferences.comment_on_preparation"
    require_actor(name, request.user, referral)
    form = NoteForm(request.POST, referral=referral, advice=advice)
    if form.is_valid():
        service = services.note_ask_advice if advice else services.note_comment
        try:
            service(
                referral=referral,
                actor=request.user,
                text=form.cleaned_data["text"],
                contact_moment=form.cleaned_data["contact_moment"],
            )
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            if advice:
                messages.success(request, _("Your question has been sent to the regional manager."))
            else:
                messages.success(request, _("Your comment has been sent to the coordinator."))
            return redirect(reverse("conferences:preparation", args=[pk]) + "#overleg")
    else:
        messages.error(request, _("Not saved yet: check the fields marked in red."))
    return preparation(request, pk, note_form=form)


@require_POST
@submit_once
def note_comment(request, pk):
    """The regional manager's comment on the contact log or the preparation."""
    return _note_add(request, pk, advice=False)


@require_POST
@submit_once
def note_ask_advice(request, pk):
    """The coordinator's request for advice to the region's managers."""
    return _note_add(request, pk, advice=True)


@require_POST
def note_answer(request, pk, note_pk):
    """The one answer to a comment (by the coordinator) or a request for advice (by
    a manager of the region). Answering again changes nothing and says why."""
    referral = get_referral_for(request.user, pk)
    require(can_view_oversight_notes(request.user, referral))
    note = get_object_or_404(OversightNote, pk=note_pk, referral=referral)
    note.referral = referral
    require_actor("conferences.answer_note", request.user, note)
    form = AnswerForm(request.POST, note=note)
    if form.is_valid():
        try:
            services.note_answer(note=note, actor=request.user, text=form.cleaned_data["answer"])
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your answer has been sent."))
        return redirect(reverse("conferences:preparation", args=[pk]) + f"#note-{note.pk}")
    messages.error(request, _("Not saved yet: check the fields marked in red."))
    return preparation(request, pk, answer_form=form)
