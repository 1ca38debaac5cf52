"""previous_reference in the registration interchange (INTERCHANGE.md): the import
links the family's cases, the export keeps the link as a pseudonym, and
repeat_referrals counts the cohort's linked cases."""

import datetime
import json

import pytest
from zeal import zeal_ignore

from referrals.models import Referral
from research.export import export_records, pseudonym
from research.stats import Filters, compute
from shell.interchange import import_lines, validate_lines

pytestmark = pytest.mark.django_db


def case(reference, referred_on, **fields):
    return {
        "reference": reference,
        "region": fields.pop("region", "Overijssel"),
        "organization": {"name": "Bureau Jeugdzorg", "type": "youth_care"},
        "occasion": "crisis",
        "referred_on": referred_on,
        **fields,
    }


def check(*cases):
    return validate_lines([json.dumps(c) for c in cases])


def load(*cases):
    validation = check(*cases)
    assert validation.ok, validation.errors
    return import_lines(validation)


FAMILY = [
    case("EK-2017-0031", "2017-03-01"),
    case("EK-2019-0002", "2019-05-01", previous_reference="EK-2017-0031"),
    case("EK-2021-0009", "2021-02-01", region="Twente", previous_reference="EK-2019-0002"),
    case("EK-2021-0010", "2021-02-02"),
]


def test_import_links_the_cases_on_earlier_lines_and_installed():
    load(*FAMILY)
    load(case("EK-2024-0001", "2024-01-10", previous_reference="EK-2021-0010"))
    links = dict(Referral.objects.values_list("reference", "previous__reference"))
    assert links == {
        "EK-2017-0031": None,
        "EK-2019-0002": "EK-2017-0031",
        "EK-2021-0009": "EK-2019-0002",
        "EK-2021-0010": None,
        "EK-2024-0001": "EK-2021-0010",
    }


def test_import_links_across_chunks(monkeypatch):
    monkeypatch.setattr("shell.interchange.CHUNK", 2)
    load(*FAMILY)
    assert Referral.objects.get(reference="EK-2021-0009").previous.reference == "EK-2019-0002"


def test_importing_the_same_file_twice_changes_nothing():
    load(*FAMILY)
    assert load(*FAMILY) == (0, 4)
    assert Referral.objects.filter(previous__isnull=False).count() == 2


@pytest.mark.parametrize(
    ("cases", "line", "message"),
    [
        (
            [case("EK-2019-0002", "2019-05-01", previous_reference="EK-2000-0001")],
            1,
            "unknown previous_reference 'EK-2000-0001'",
        ),
        (
            [
                case("EK-2019-0002", "2019-05-01", previous_reference="EK-2017-0031"),
                case("EK-2017-0031", "2017-03-01"),
            ],
            1,
            "previous_reference EK-2017-0031 is on a later line (2)",
        ),
        (
            [
                case("EK-2019-0002", "2019-05-01"),
                case("EK-2019-0003", "2019-05-01", previous_reference="EK-2019-0002"),
            ],
            2,
            "previous_reference EK-2019-0002 (line 1) was not referred before this case",
        ),
        (
            [case("EK-2019-0002", "2019-05-01", previous_reference="EK-2019-0002")],
            1,
            "previous_reference is the case's own reference",
        ),
        (
            [case("EK-2019-0002", "2019-05-01", previous_reference=31)],
            1,
            "previous_reference must be text of at most 20 characters",
        ),
    ],
)
def test_a_bad_link_is_an_error_with_its_line_and_nothing_is_imported(cases, line, message):
    validation = check(*cases)
    assert (line, message) in validation.errors
    with pytest.raises(ValueError):
        import_lines(validation)
    assert not Referral.objects.exists()


def test_a_link_to_an_installed_case_referred_later_is_an_error():
    load(case("EK-2022-0001", "2022-01-01"))
    validation = check(case("EK-2019-0002", "2019-05-01", previous_reference="EK-2022-0001"))
    assert validation.errors == [
        (1, "previous_reference EK-2022-0001 was not referred before this case")
    ]
    assert validation.count == 0


def test_export_writes_the_earlier_case_as_its_pseudonym():
    load(*FAMILY)
    records = {r["reference"]: r for r in export_records()}
    assert records[pseudonym("EK-2019-0002")]["previous_reference"] == pseudonym("EK-2017-0031")
    assert records[pseudonym("EK-2017-0031")]["previous_reference"] is None


def test_a_filtered_export_writes_null_where_the_earlier_case_is_not_in_the_file():
    load(*FAMILY)
    (twente,) = export_records(Filters(region="Twente"))
    assert twente["previous_reference"] is None
    later = list(export_records(Filters(date_from=datetime.date(2019, 1, 1))))
    by_reference = {r["reference"]: r for r in later}
    assert by_reference[pseudonym("EK-2019-0002")]["previous_reference"] is None
    assert by_reference[pseudonym("EK-2021-0009")]["previous_reference"] == pseudonym(
        "EK-2019-0002"
    )


def test_round_trip_keeps_the_links_and_the_pseudonyms():
    load(*FAMILY)
    first = list(export_records())
    with zeal_ignore():
        Referral.objects.all().delete()
    load(*first)
    # Pseudonyms are written as they are: the second export is the first one.
    assert list(export_records()) == first


def test_repeat_referrals_counts_the_cohorts_linked_cases():
    load(*FAMILY)
    assert compute()["repeat_referrals"] == 2
    # A linked case counts even when its earlier case is outside the cohort.
    assert compute(Filters(date_from=datetime.date(2019, 1, 1)))["repeat_referrals"] == 2
    assert compute(Filters(region="Overijssel"))["repeat_referrals"] == 1
    assert compute(Filters(date_to=datetime.date(2018, 1, 1)))["repeat_referrals"] == 0
