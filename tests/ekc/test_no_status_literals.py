"""No status is compared with a bare string literal: states are named by their
TextChoices and groups (referrals/lifecycle.py and each model's lifecycle).

The test reads every project module's syntax tree (not the tests, not the
migrations, which are history) and every template, and fails on a comparison, an
``in`` test or a query keyword (``status="accepted"``, ``status__in=[...]``) that
puts a string literal beside a status-like name.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "tests", "migrations", "node_modules", "staticfiles", "static"}
# Names that hold a state: ``status``, ``from_status``, the plan's ``decision``.
STATUS_NAME = re.compile(r"(^|_)status$|^decision$")
LOOKUPS = {"in", "exact", "iexact", "ne"}
TEMPLATE_COMPARISON = re.compile(
    r"""\b\w*status\s*(==|!=)\s*["']|["']\s*(==|!=)\s*[\w.]*status\b|\bstatus\s+in\s+["']"""
)


def _is_status(node):
    if isinstance(node, ast.Name):
        return bool(STATUS_NAME.search(node.id))
    if isinstance(node, ast.Attribute):
        return bool(STATUS_NAME.search(node.attr))
    if isinstance(node, ast.Subscript):
        key = node.slice
        return (
            isinstance(key, ast.Constant)
            and isinstance(key.value, str)
            and bool(STATUS_NAME.search(key.value))
        )
    return False


def _has_literal(node):
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value != ""
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_has_literal(element) for element in node.elts)
    return False


def _is_status_keyword(name):
    parts = name.split("__")
    while len(parts) > 1 and parts[-1] in LOOKUPS:
        parts.pop()
    return bool(STATUS_NAME.search(parts[-1]))


def status_literals(source, filename="<snippet>"):
    """(line, text) of every status compared with a string literal in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_is_status(o) for o in operands) and any(_has_literal(o) for o in operands):
                found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg and _is_status_keyword(keyword.arg) and _has_literal(keyword.value):
                    found.append((node.lineno, f"{keyword.arg}={ast.unparse(keyword.value)}"))
    return found


def _project_files(suffix):
    for path in sorted(ROOT.rglob(f"*{suffix}")):
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts[:-1]):
            yield path


def test_no_status_is_compared_with_a_string_literal_in_the_code():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in _project_files(".py")
        for line, text in status_literals(path.read_text(), str(path))
    ]
    assert found == [], "Name the state (its TextChoices or a group):\n" + "\n".join(found)


def test_no_status_is_compared_with_a_string_literal_in_the_templates():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}"
        for path in _project_files(".html")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if TEMPLATE_COMPARISON.search(line)
    ]
    assert found == [], "Ask the model (a property) or the rule instead:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "snippet",
    [
        'if plan.status == "draft": pass',
        'if "accepted" != assignment.status: pass',
        'ok = referral.status in ("closed", "stopped")',
        'ok = row["status"] == "done"',
        'ok = event.to_status not in ["closed"]',
        'Assignment.objects.filter(status="accepted")',
        'Q(assignments__status__in=["proposed", "accepted"])',
        'qs.update(status="ended")',
        'qs.filter(plan__decision__decision__in=["accepted", "accepted_with_conditions"])',
    ],
)
def test_the_scanner_finds_a_reintroduced_literal(snippet):
    assert status_literals(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        "if plan.status == PlanStatus.DRAFT: pass",
        "ok = referral.status in ENDED",
        "Assignment.objects.filter(status=AssignmentStatus.ACCEPTED)",
        'record_event(kind="created", to_status=referral.status)',
        'ok = referral.status == ""',
        'ok = referral.occasion == "restorative"',
    ],
)
def test_the_scanner_lets_named_states_pass(snippet):
    assert status_literals(snippet) == []


def test_the_template_check_finds_a_reintroduced_literal():
    assert TEMPLATE_COMPARISON.search('{% if referral.status == "returned" %}')
    assert TEMPLATE_COMPARISON.search("{% if report.status != 'done' %}")
    assert not TEMPLATE_COMPARISON.search("{% if referral.is_returned %}")
