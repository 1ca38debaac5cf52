"""Every date any form accepts lies in a plausible range (1900 to ten years ahead)."""

import datetime
import importlib
import inspect
import pkgutil

import pytest
from django import forms

from ekc.forms import PlausibleDateField

APPS = ["ekc", "referrals", "coordinators", "conferences", "plans", "research"]


def _form_classes():
    for app in APPS:
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if "migrations" in module_info.name or "management" in module_info.name:
                continue
            if not module_info.name.rsplit(".", 1)[-1].endswith("forms"):
                continue
            module = importlib.import_module(module_info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    yield cls


def test_the_scan_finds_the_forms():
    names = {cls.__name__ for cls in _form_classes()}
    assert {"MainPersonForm", "LeaveForm", "ScheduleForm"} <= names


@pytest.mark.parametrize("form_class", list(_form_classes()), ids=lambda cls: cls.__name__)
def test_every_date_field_is_bounded(form_class):
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.DateField):
            assert isinstance(field, PlausibleDateField), f"{form_class.__name__}.{name}"


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        (datetime.date(9999, 12, 31), False),
        (datetime.date(1899, 12, 31), False),
        (datetime.date(1900, 1, 1), True),
        (datetime.date(2030, 6, 1), True),
    ],
)
def test_plausible_date_range(value, valid):
    field = PlausibleDateField()
    if valid:
        field.clean(value)
    else:
        with pytest.raises(forms.ValidationError, match="tussen 1900 en"):
            field.clean(value)
