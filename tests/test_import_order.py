"""Dependencies point one way (STYLE.md, "Shape of the code").

An app may use only itself, the apps before it, third-party packages and the
standard library. Three kinds of dependency are read:

- import statements, at module level and inside functions (`import x.y`,
  `from x import y`), and modules named by string in `importlib.import_module(...)`,
  `apps.get_model(...)` and `include(...)`;
- every relation field (foreign key, one-to-one, many-to-many), string
  references ("plans.FamilyPlan") included, through Django's app registry;
- every migration's `dependencies`.

tests/ is exempt: tests may build data in any app. So are the settings, which must
name every app.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db.migrations.loader import MigrationLoader

ORDER = ["ekc", "referrals", "coordinators", "conferences", "plans", "research", "privacy", "shell"]
ROOT = Path(__file__).resolve().parent.parent
EXEMPT = {Path("ekc/settings.py")}

# Calls whose first string argument names a module or an app.
STRING_IMPORTS = {"import_module", "get_model", "include"}


def rank(name):
    """Position of the app a dotted module name or app label belongs to; None outside."""
    top = name.split(".")[0]
    return ORDER.index(top) if top in ORDER else None


def is_backward(app, target):
    """True when `app` may not depend on `target` (a module name or an app label)."""
    target_rank = rank(target)
    return target_rank is not None and target_rank > ORDER.index(app)


def _called_name(node):
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def imported_modules(source):
    """(line, module) for every module a piece of source code imports, at any depth."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and _called_name(node) in STRING_IMPORTS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def backward_imports(app, source, filename):
    return [
        f"{filename}:{line} imports {module}"
        for line, module in imported_modules(source)
        if is_backward(app, module)
    ]


def backward_relations(fields):
    """fields: (model label, field name, target app label) triples."""
    return [
        f"{model} field {field} points at {target}"
        for model, field, target in fields
        if is_backward(model.split(".")[0], target)
    ]


def backward_migrations(migrations):
    """migrations: (app label, migration name, dependencies) triples."""
    offenders = []
    for app, name, dependencies in migrations:
        for dep_app, dep_name in dependencies:
            if dep_app == "__setting__":
                dep_app = getattr(settings, dep_name).split(".")[0]
            if is_backward(app, dep_app):
                offenders.append(f"{app}.{name} depends on {dep_app}.{dep_name}")
    return offenders


def project_files():
    for app in ORDER:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if relative not in EXEMPT:
                yield app, relative


def project_relations():
    for model in apps.get_models():
        if model._meta.app_label not in ORDER:
            continue
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model is not None:
                yield model._meta.label, field.name, field.related_model._meta.app_label


def project_migrations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if app in ORDER:
            yield app, name, migration.dependencies


def test_every_app_is_in_the_order():
    project_apps = {
        config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()
    }
    assert project_apps == set(ORDER)


def test_no_module_imports_an_app_that_comes_after_it():
    offenders = []
    for app, path in project_files():
        offenders += backward_imports(app, (ROOT / path).read_text(), path)
    assert not offenders, (
        "Imports against the order " + " < ".join(ORDER) + ":\n" + "\n".join(offenders)
    )


def test_no_relation_points_at_an_app_that_comes_after_it():
    offenders = backward_relations(project_relations())
    assert not offenders, "Relations against the order:\n" + "\n".join(offenders)


def test_no_migration_depends_on_an_app_that_comes_after_it():
    offenders = backward_migrations(project_migrations())
    assert not offenders, "Migration dependencies against the order:\n" + "\n".join(offenders)


def test_the_project_is_actually_read():
    """The checks above would pass on nothing; make sure they see the real code."""
    files = list(project_files())
    assert {app for app, _ in files} == set(ORDER)
    assert any(target == "ekc" for _, _, target in project_relations())
    assert any(deps for _, _, deps in project_migrations())


@pytest.mark.parametrize(
    ("app", "source"),
    [
        ("referrals", "from plans.models import FamilyPlan"),
        ("referrals", "import coordinators.matching"),
        ("ekc", "def home():\n    from shell.selectors import home_work\n"),
        ("plans", "class A:\n    def f(self):\n        import research.stats as s\n"),
        ("coordinators", "import importlib\nimportlib.import_module('conferences.services')"),
        ("conferences", "def f(apps):\n    apps.get_model('plans', 'FamilyPlan')"),
        ("research", "from django.urls import include\ninclude('shell.urls')"),
    ],
)
def test_a_backward_import_is_found(app, source):
    assert backward_imports(app, source, "x.py")


@pytest.mark.parametrize(
    ("app", "source"),
    [
        ("plans", "from conferences.models import Conference\nfrom ekc.models import User"),
        ("referrals", "from .models import Referral\nimport referrals.lifecycle"),
        ("ekc", "import datetime\nfrom django.db import models\nimport rules"),
        ("shell", "from research.stats import compute\nfrom referrals import services"),
        ("research", "def f(apps):\n    apps.get_model('research', 'SurveyResponse')"),
    ],
)
def test_a_forward_import_is_allowed(app, source):
    assert backward_imports(app, source, "x.py") == []


def test_a_backward_relation_is_found():
    fields = [
        ("plans.FamilyPlan", "referral", "referrals"),
        ("referrals.Referral", "plan", "plans"),
    ]
    assert backward_relations(fields) == ["referrals.Referral field plan points at plans"]


def test_a_backward_migration_dependency_is_found():
    migrations = [
        (
            "plans",
            "0001_initial",
            [("conferences", "0001_initial"), ("__setting__", "AUTH_USER_MODEL")],
        ),
        ("ekc", "0009_x", [("ekc", "0008_y"), ("referrals", "0001_initial")]),
    ]
    assert backward_migrations(migrations) == ["ekc.0009_x depends on referrals.0001_initial"]
