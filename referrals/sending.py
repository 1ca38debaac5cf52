"""What a referral needs before it is sent to the region (submitted, or registered
by a regional manager): one rule for the form (errors beside the fields), the
services (which refuse to send without it) and the case page ("still to fill in")."""

from django.utils.translation import gettext_lazy as _

from referrals.models import Referral

REQUIRED_TO_SEND = ("occasion", "question", "bounds", "family_name")
# The name ``missing_to_send`` gives a referral without a main person.
MAIN_PERSON = "main_persons"


def missing_to_send(fields, *, has_main_person):
    """The names of what is still empty: those of ``REQUIRED_TO_SEND`` with no value
    in ``fields`` (a mapping, such as a form's cleaned data), and ``MAIN_PERSON``."""
    missing = [name for name in REQUIRED_TO_SEND if not fields.get(name)]
    if not has_main_person:
        missing.append(MAIN_PERSON)
    return missing


def missing_of(referral):
    """``missing_to_send`` for a saved referral (its main persons prefetched or not)."""
    return missing_to_send(
        {name: getattr(referral, name) for name in REQUIRED_TO_SEND},
        has_main_person=referral.main_persons.exists(),
    )


def labels(missing):
    """What ``missing`` names, in words for people."""
    return [
        _("at least one main person")
        if name == MAIN_PERSON
        else Referral._meta.get_field(name).verbose_name
        for name in missing
    ]
