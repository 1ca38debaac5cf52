"""Research files: the aggregates, and the pseudonymised case-level dataset (one row
per case) as CSV, XLSX and SPSS .sav (with variable and value labels)."""

import csv
import datetime
import io
import tempfile
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from conferences.models import Attendance, ConferenceKind
from ekc.models import OrganizationType
from ekc.spreadsheets import neutral_row, xlsx_cell
from plans.models import AgreementStatus, CarriedBy, Decision, OutcomeCode
from referrals.models import Occasion, StopReason
from research.export import export_records

# (column, label) of the case-level dataset, in order.
CASE_COLUMNS = [
    ("pseudonym", _("Pseudonym of the case")),
    ("region", _("Region")),
    ("organization_type", _("Type of referring organisation")),
    ("occasion", _("Occasion")),
    ("referred_on", _("Date of referral")),
    ("main_persons", _("Number of main persons")),
    ("children", _("Number of children among them")),
    ("stopped", _("Ended without a conference (1 = yes)")),
    ("stop_reason", _("Reason for ending without a conference")),
    ("conference", _("Conference held (1 = yes)")),
    ("conference_kind", _("Kind of conference")),
    ("days_to_conference", _("Days from referral to conference")),
    ("family_present", _("Family and network present")),
    ("professionals_present", _("Professionals present")),
    ("stayed_away", _("Invited family and network who stayed away")),
    ("excluded", _("Excluded by the coordinator")),
    ("duration_minutes", _("Duration of the conference in minutes")),
    ("follow_up_conferences", _("Number of follow-up conferences")),
    ("plan", _("Plan made (1 = yes)")),
    ("decision", _("Decision of the referrer")),
    ("evaluation_date", _("Plan has an evaluation date (1 = yes)")),
    ("agreements", _("Number of agreements")),
    ("network_agreements", _("Agreements carried by the network")),
    ("life_domains", _("Number of life domains in the plan")),
    ("agreements_done", _("Agreements done at evaluation")),
    ("responses", _("Number of survey responses")),
    *[(f"outcome_{code}", label) for code, label in OutcomeCode.choices],
]

# Counts and durations: whole numbers on a scale. Everything else is a code (nominal),
# and the one date is an SPSS date. Read by researchers in SPSS or PSPP.
SCALE_COLUMNS = {
    "main_persons",
    "children",
    "days_to_conference",
    "family_present",
    "professionals_present",
    "stayed_away",
    "excluded",
    "duration_minutes",
    "follow_up_conferences",
    "agreements",
    "network_agreements",
    "life_domains",
    "agreements_done",
    "responses",
}
DATE_COLUMNS = {"referred_on"}
# dd.mm.yyyy, as Dutch researchers write dates.
SAV_DATE_FORMAT = "EDATE10"

VALUE_LABELS = {
    "organization_type": OrganizationType,
    "occasion": Occasion,
    "stop_reason": StopReason,
    "conference_kind": ConferenceKind,
    "decision": Decision,
}

# The number of every code in the .sav file, fixed for good: files made years apart
# must mean the same by the same number. A code keeps its number forever; a new
# code takes the next free number (never a removed code's), wherever it stands in
# the list of choices. The first numbers are the list order the files had before.
SAV_CODES = {
    "organization_type": {
        "youth_care": 1,
        "child_protection": 2,
        "education": 3,
        "welfare": 4,
        "home_care": 5,
        "disability_support": 6,
        "mental_health": 7,
        "healthcare": 8,
        "legal": 9,
        "municipality": 10,
        "housing": 11,
        "justice": 12,
        "other": 13,
    },
    "occasion": {
        "threatened_placement": 1,
        "crisis": 2,
        "child_protection_investigation": 3,
        "return_home": 4,
        "waiting_list": 5,
        "threatened_eviction": 6,
        "domestic_violence": 7,
        "multi_problem": 8,
        "divorce": 9,
        "elderly_care": 10,
        "mental_health": 11,
        "debt": 12,
        "detention_return": 13,
        "restorative": 14,
        "other": 15,
    },
    "stop_reason": {
        "family_declined": 1,
        "referrer_withdrew": 2,
        "no_network": 3,
        "safety": 4,
        "situation_resolved": 5,
        "no_coordinator": 6,
        "other": 7,
        "consent_withdrawn": 8,
    },
    "conference_kind": {"family_group": 1, "follow_up": 2, "restorative": 3},
    "decision": {"accepted": 1, "accepted_with_conditions": 2, "rejected": 3},
}


def case_rows(filters):
    """One flat row per case of the cohort, from the pseudonymised export."""
    for record in export_records(filters):
        conference, plan = record["conference"], record["plan"]
        participants = conference["participants"] if conference else []
        family = [p for p in participants if p["relation"] != "professional"]
        agreements = plan["agreements"] if plan else []
        row = {
            "pseudonym": record["reference"],
            "region": record["region"],
            "organization_type": record["organization"]["type"],
            "occasion": record["occasion"],
            "referred_on": datetime.date.fromisoformat(record["referred_on"]),
            "main_persons": len(record["main_persons"]),
            "children": sum(1 for p in record["main_persons"] if p["is_child"]),
            "stopped": int(bool(record["stop_reason"])),
            "stop_reason": record["stop_reason"] or "",
            "conference": int(bool(conference)),
            "conference_kind": conference["kind"] if conference else "",
            "days_to_conference": _days(record["referred_on"], conference["held_on"])
            if conference
            else None,
            "family_present": sum(p["attendance"] == "attended" for p in family)
            if conference
            else None,
            "professionals_present": sum(
                p["attendance"] == "attended" and p["relation"] == "professional"
                for p in participants
            )
            if conference
            else None,
            "stayed_away": sum(
                p["attendance"] in (Attendance.DECLINED, Attendance.ABSENT) for p in family
            )
            if conference
            else None,
            "excluded": sum(p["attendance"] == Attendance.EXCLUDED for p in participants)
            if conference
            else None,
            "duration_minutes": conference["duration_minutes"] if conference else None,
            "follow_up_conferences": len(record["follow_ups"]),
            "plan": int(bool(plan)),
            "decision": (plan["decision"] or "") if plan else "",
            "evaluation_date": int(bool(plan and plan["evaluation_on"])),
            "agreements": len(agreements) if plan else None,
            "network_agreements": sum(a["carried_by"] == CarriedBy.NETWORK for a in agreements)
            if plan
            else None,
            "life_domains": len({a["life_domain"] for a in agreements}) if plan else None,
            "agreements_done": sum(a["status"] == AgreementStatus.DONE for a in agreements)
            if plan
            else None,
            "responses": len(record["surveys"]),
        }
        for code in OutcomeCode.values:
            row[f"outcome_{code}"] = int(code in record["outcomes"])
        yield row


def _days(start, end):
    return (datetime.date.fromisoformat(end) - datetime.date.fromisoformat(start)).days


def to_csv(rows, columns):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(neutral_row(row))
    return buffer.getvalue().encode("utf-8-sig")  # Excel opens UTF-8 with a BOM correctly


def to_xlsx(rows, columns, title):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(columns)
    for row in rows:
        sheet.append([xlsx_cell(sheet, row.get(column)) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_sav(rows):
    """SPSS .sav with variable labels and value labels (pyreadstat); dates as SPSS
    dates, counts and durations as whole numbers on the scale level, codes nominal."""
    import pandas as pd
    import pyreadstat

    columns = [name for name, _label in CASE_COLUMNS]
    frame = pd.DataFrame(list(rows), columns=columns)
    for column in DATE_COLUMNS:
        frame[column] = pd.to_datetime(frame[column])
    value_labels = {}
    for column, choices in VALUE_LABELS.items():
        # Store codes as numbers with labels, the way SPSS users expect.
        codes = SAV_CODES[column]
        frame[column] = frame[column].map(lambda v, codes=codes: codes.get(v))
        value_labels[column] = {codes[code]: str(label) for code, label in choices.choices}
    labels = {name: str(label) for name, label in CASE_COLUMNS}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.sav"
        pyreadstat.write_sav(
            frame,
            str(path),
            column_labels=labels,
            variable_value_labels=value_labels,
            variable_format={
                **{column: "F8.0" for column in SCALE_COLUMNS | _codes_and_flags(frame)},
                **{column: SAV_DATE_FORMAT for column in DATE_COLUMNS},
            },
            variable_measure={
                column: "scale" if column in SCALE_COLUMNS | DATE_COLUMNS else "nominal"
                for column in columns
            },
        )
        return path.read_bytes()


def _codes_and_flags(frame):
    """The numeric columns that are codes or 0/1 flags: written without decimals."""
    return {
        column
        for column in frame.columns
        if column not in SCALE_COLUMNS | DATE_COLUMNS and frame[column].dtype.kind in "if"
    }


def aggregate_rows(stats):
    """The statistics as (figure, value) rows: nested figures get dotted names."""
    rows = []
    for key, value in stats.items():
        if isinstance(value, dict):
            if not value:
                rows.append({"figure": key, "value": ""})
            for sub, inner in value.items():
                if isinstance(inner, dict):
                    for name, number in inner.items():
                        rows.append({"figure": f"{key}.{sub}.{name}", "value": number})
                else:
                    rows.append({"figure": f"{key}.{sub}", "value": inner})
        else:
            rows.append({"figure": key, "value": value})
    return rows
