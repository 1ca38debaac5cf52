"""The language picker: common languages first as tick boxes, the rest under
"More languages", the same posted codes as plain tick boxes, choices kept on errors."""

import re

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from ekc.languages import COMMON, OFFERED, language_choices
from ekc.widgets import LanguagePicker
from tests import factories
from tests.forms import post_form
from tests.referrals.test_views import form_data

pytestmark = pytest.mark.django_db


class LanguagesForm(forms.Form):
    languages = forms.MultipleChoiceField(required=False, widget=LanguagePicker)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = language_choices()


def _codes(html):
    return re.findall(r'name="languages" value="([a-z]+)"', html)


def _split(html):
    """The codes before "More languages" and those after it."""
    common, more = html.split("<details", 1)
    return _codes(common), _codes(more)


def test_common_languages_come_first_and_the_rest_under_more_languages():
    with translation.override("nl"):
        html = str(LanguagesForm()["languages"])
    common, more = _split(html)
    assert common == list(COMMON)
    assert sorted(common + more) == sorted(OFFERED)  # every language, once
    assert "Meer talen" in html
    assert re.search(r"<details[^>]*\bopen", html) is None


def test_more_languages_opens_when_one_of_them_is_chosen():
    form = LanguagesForm({"languages": ["nl", "so"]})
    assert form.is_valid()
    html = str(form["languages"])
    assert re.search(r'<details class="language-more[^"]*" open>', html)
    assert re.findall(r'value="([a-z]+)"[^>]*checked', html) == ["nl", "so"]


def test_the_picker_posts_the_same_codes_as_plain_tick_boxes():
    data = {"languages": ["tr", "prs", "sgn"]}

    class Plain(LanguagesForm):
        languages = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    picker, plain = LanguagesForm(data), Plain(data)
    assert picker.is_valid() and plain.is_valid()
    assert picker.cleaned_data == plain.cleaned_data == {"languages": ["tr", "prs", "sgn"]}
    assert sorted(_codes(str(picker["languages"]))) == sorted(_codes(str(plain["languages"])))
    # No box ticked is an empty choice, not a missing field.
    empty = LanguagesForm({"other": "x"})
    assert empty.is_valid() and empty.cleaned_data["languages"] == []


def test_the_picker_is_a_fieldset_with_a_labelled_filter(client, referrer):
    client.force_login(referrer)
    html = client.get(reverse("referrals:create")).content.decode()
    picker = html[html.index('id="div_id_languages"') :]
    picker = picker[: picker.index("</fieldset>")]
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>\s*Talen van de familie", picker)
    assert '<label class="form-label small mb-1" for="id_languages_filter">' in picker
    assert 'id="id_languages_filter"' in picker
    assert 'for="id_languages_0">Nederlands</label>' in picker
    assert "ekc/language_picker" in html  # the filter script, from static/


def test_chosen_languages_stay_chosen_on_a_validation_error(client, referrer):
    client.force_login(referrer)
    response = post_form(
        client,
        reverse("referrals:create"),
        form_data(submit="1", bounds="", languages=["tr", "so"]),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'name="languages" value="([a-z]+)"[^>]*checked', html) == ["tr", "so"]
    assert re.search(r'<details class="language-more[^"]*" open>', html)  # Somali is there


def test_the_referral_saves_the_posted_codes(client, referrer):
    client.force_login(referrer)
    post_form(client, reverse("referrals:create"), form_data(save="1", languages=["rif", "ti"]))
    assert referrer.organization.referrals.get().languages == ["rif", "ti"]


def test_schedule_and_availability_pages_use_the_picker(
    client, regional_manager, organization, coordinator
):
    referral = factories.assigned(regional_manager, organization, coordinator.coordinator_profile)
    client.force_login(coordinator)
    for url in (
        reverse("conferences:schedule", args=[referral.pk]),
        reverse("coordinators:availability"),
    ):
        html = client.get(url).content.decode()
        assert "data-language-picker" in html, url
        assert "Meer talen" in html, url
        assert "ekc/language_picker" in html, url
