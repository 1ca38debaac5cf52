"""Sending the app's email: always in Dutch, always after the transaction commits."""

from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def _send(recipients, template, context, attachments=()):
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    EmailMessage(subject, body, None, recipients, attachments=list(attachments)).send()


def send_after_commit(recipients, template, context, attachments=()):
    """Queue a mail rendered from ``<template>_subject.txt`` and ``<template>.txt``,
    with ``attachments`` as (filename, content, mimetype).

    Sent once the current transaction commits (never for a rolled-back change).
    ``recipients`` are email addresses; empty or duplicate ones are dropped.
    """
    unique = sorted({address for address in recipients if address})
    if unique:
        transaction.on_commit(partial(_send, unique, template, context, tuple(attachments)))
