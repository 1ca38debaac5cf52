"""Widgets shared by the apps' forms."""

from django import forms

from ekc.languages import COMMON


class LanguagePicker(forms.widgets.ChoiceWidget):
    """Tick boxes for language codes: the common languages (``COMMON``) first, the
    rest inside a "More languages" disclosure, opened when one of them is chosen.

    It posts exactly what ``CheckboxSelectMultiple`` posts (one value per ticked
    code). Without JavaScript it is plain tick boxes; static/ekc/language_picker.js
    adds a box that filters the list by name. Crispy renders it as a fieldset with
    the field's label as legend (``use_fieldset``)."""

    allow_multiple_selected = True
    input_type = "checkbox"
    template_name = "ekc/widgets/language_picker.html"
    option_template_name = "ekc/widgets/language_option.html"
    use_fieldset = True
    common = COMMON

    class Media:
        js = ["ekc/language_picker.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        options = [option for _group, group, _index in widget["optgroups"] for option in group]
        rank = {code: position for position, code in enumerate(self.common)}
        widget["common"] = sorted(
            (o for o in options if o["value"] in rank), key=lambda o: rank[o["value"]]
        )
        widget["more"] = [o for o in options if o["value"] not in rank]
        widget["more_open"] = any(o["selected"] for o in widget["more"])
        # Crispy hands every widget its error class; the group shows it, not each box.
        widget["invalid"] = "is-invalid" in widget["attrs"].get("class", "")
        return context

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        option["attrs"] = {**option["attrs"], "class": "form-check-input"}
        return option

    def use_required_attribute(self, initial):
        return False  # "at least one" is not what the browser's required means

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # no box ticked posts nothing: that is a value too

    def id_for_label(self, id_, index=None):
        # The legend names the group; each box has its own label.
        return "" if index is None else super().id_for_label(id_, index)
