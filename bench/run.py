"""`make bench`: measure EKC at national scale on PostgreSQL.

Seeds BENCH_CASES cases (default 100,000) into a separate database unless one of
that size is there, starts gunicorn with 2 workers on loopback, drives it with wrk
(8 connections, logged-in sessions), times the heavy functions, and writes a table
and bench/results.json. Each figure is the median of several runs.
"""

import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
CASES = int(os.environ.get("BENCH_CASES", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
BASE = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ekc_bench")
IMPORT_DB = BASE.rsplit("/", 1)[0] + "/ekc_bench_import"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
PASSWORD = "bench-password-not-for-production"
# The bench users whose role needs a second factor have it with this secret (as the demo).
TOTP_SECRET = "EKCBENCHEKCBENCHEKCBENCHEKCBENCH"
ENV = {
    **os.environ,
    "DATABASE_URL": BASE,
    "SECRET_KEY": "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "BEHIND_TLS_PROXY": "false",
    "DEBUG": "false",
    "LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "ekc.settings",
}
os.environ.update(ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ekc.settings")
sys.path.insert(0, str(ROOT))


def say(message):
    print(f"[bench] {message}", flush=True)


def manage(*args, env=None, capture=False):
    return subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env or ENV,
        check=True,
        capture_output=capture,
        text=True,
    )


def ensure_database(url):
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    import psycopg

    with psycopg.connect(admin.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url):
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    import psycopg

    with psycopg.connect(admin.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def measure_import():
    """Cases per second of `import_registrations` (checking the file, then loading
    it) into an empty database: 5,000 generated cases, generated beforehand."""
    import tempfile

    drop_database(IMPORT_DB)
    ensure_database(IMPORT_DB)
    env = {**ENV, "DATABASE_URL": IMPORT_DB}
    manage("migrate", "-v0", env=env)
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "cases.jsonl")
        manage("seed_scale", "--cases", "5000", "--output", path, env=env, capture=True)
        out = manage("import_registrations", path, env=env, capture=True).stdout
    drop_database(IMPORT_DB)
    return float(re.search(r"\(([\d.]+) cases/s\)", out).group(1))


def child_peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main():
    import shutil

    if not shutil.which("wrk"):
        sys.exit("make bench needs wrk: sudo apt-get install wrk")
    ensure_database(BASE)
    say("migrating the benchmark database")
    manage("migrate", "-v0")
    manage("collectstatic", "--noinput", "-v0")

    import django

    django.setup()
    from referrals.models import Referral

    existing = Referral.objects.count()
    if existing < CASES:
        say(f"seeding {CASES - existing} cases (this takes a few minutes)")
        manage("seed_scale", "--cases", str(CASES))
    say("measuring the import")
    import_rate = statistics.median(measure_import() for _ in range(RUNS))

    users = prepare_users()
    results = {
        "machine": {
            "cores": os.cpu_count(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        },
        "cases": Referral.objects.count(),
        "import_cases_per_s": import_rate,
    }
    results.update(load_test(users))
    results.update(timings())
    write(results)


def prepare_users():
    """A user per page under test, and a case to open; all logged in through the form."""
    from coordinators.models import Coordinator
    from ekc.models import Region, User
    from referrals.lifecycle import AssignmentStatus
    from referrals.models import Referral

    region = Region.objects.get(name="Utrecht")
    manager, _ = User.objects.get_or_create(
        email="bench.manager@bench.example",
        defaults={"first_name": "Bench", "last_name": "Manager", "is_regional_manager": True},
    )
    manager.regions.add(region)
    researcher, _ = User.objects.get_or_create(
        email="bench.researcher@bench.example",
        defaults={"first_name": "Bench", "last_name": "Researcher", "is_researcher": True},
    )
    coordinator = (
        Coordinator.objects.filter(
            code__startswith="S", assignments__status=AssignmentStatus.ACCEPTED
        )
        .select_related("user")
        .first()
        or Coordinator.objects.filter(code__startswith="S").select_related("user").first()
    )
    from ekc import second_factor

    for user in (manager, researcher, coordinator.user):
        user.set_password(PASSWORD)
        user.is_active = True
        user.save()
        if second_factor.required_for(user):
            second_factor.set_up_with_secret(user, TOTP_SECRET)
    case = Referral.objects.filter(region=region, conferences__isnull=False).order_by("pk").first()
    # "Ranking a region of 500 coordinators": the whole scale pool serves Utrecht.
    region.users.add(*User.objects.filter(coordinator_profile__code__startswith="S"))
    return {
        "manager": manager,
        "researcher": researcher,
        "coordinator": coordinator.user,
        "case": case,
    }


def login(email):
    import requests

    session = requests.Session()
    page = session.get(f"http://127.0.0.1:{PORT}/inloggen/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"http://127.0.0.1:{PORT}/inloggen/",
        data={"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"http://127.0.0.1:{PORT}/inloggen/"},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, "bench login failed"
    if "/tweede-stap/" in response.headers["Location"]:
        import pyotp

        # The second factor, as its user gives it: a code from the app's secret.
        step = session.get(f"http://127.0.0.1:{PORT}/tweede-stap/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', step.text).group(1)
        response = session.post(
            f"http://127.0.0.1:{PORT}/tweede-stap/",
            data={"code": pyotp.TOTP(TOTP_SECRET).now(), "csrfmiddlewaretoken": token},
            headers={"Referer": f"http://127.0.0.1:{PORT}/tweede-stap/"},
            allow_redirects=False,
            timeout=30,
        )
        assert response.status_code == 302, "bench second factor failed"
        assert "/tweede-stap/" not in response.headers["Location"], "bench code refused"
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def check_page(path, cookie, marker):
    """Stop the bench when a measured page does not answer itself (a 200 with its
    marker): a redirect to a login page would otherwise be measured as a fast page."""
    import requests

    page = requests.get(
        f"http://127.0.0.1:{PORT}{path}",
        headers={"Cookie": cookie},
        allow_redirects=False,
        timeout=60,
    )
    if page.status_code != 200 or marker not in page.text:
        raise RuntimeError(f"{path} answered {page.status_code} without {marker!r}")


def wrk(path, cookie, marker):
    """wrk's figures for ``path``; a response that is not a 200 with ``marker`` in it
    (a redirect to the login or the second factor, an error page) counts as an error."""
    out = subprocess.run(
        [
            "wrk",
            "--timeout",
            "10s",
            "-t2",
            "-c8",
            f"-d{SECONDS}s",
            "-s",
            str(ROOT / "bench" / "latency.lua"),
            "-H",
            f"Cookie: {cookie}",
            f"http://127.0.0.1:{PORT}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "BENCH_MARKER": marker},
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def load_test(users):
    server = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "ekc.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--max-requests",
            "0",
        ],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # The task worker, as in production: it computes the research dashboard's figures.
    worker = subprocess.Popen(
        [PY, "manage.py", "db_worker", "--interval", "1"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import requests

        for _ in range(100):
            try:
                requests.get(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                break
            except requests.RequestException:  # not up yet, or still starting
                time.sleep(0.2)
        cookies = {key: login(users[key].email) for key in ("manager", "researcher", "coordinator")}
        # Each page with a text that only that page shows.
        pages = {
            "baseline": ("/ping/", cookies["manager"], "ok"),
            "work_queue": ("/aanmeldingen/", cookies["manager"], "Zaken</h1>"),
            "case_page": (
                f"/aanmeldingen/{users['case'].pk}/",
                cookies["manager"],
                users["case"].display_reference,
            ),
            "coordinator_home": ("/", cookies["coordinator"], "Welkom, "),
            "research_dashboard": (
                "/onderzoek/",
                cookies["researcher"],
                "Resultaten en tevredenheid",
            ),
        }
        results = {}
        results["_dashboard_compute_s"] = wait_for_dashboard(cookies["researcher"])
        for name, (path, cookie, marker) in pages.items():
            say(f"load test: {name}")
            check_page(path, cookie, marker)
            wrk(path, cookie, marker)  # warm up
            runs = [wrk(path, cookie, marker) for _ in range(RUNS)]
            results[name] = {
                key: round(statistics.median(r[key] for r in runs), 2)
                for key in ("p50_ms", "p95_ms", "rps")
            }
            results[name]["errors"] = sum(r["errors"] for r in runs)
        for name in pages:
            if name != "baseline":
                results[name]["ratio"] = round(results[name]["rps"] / results["baseline"]["rps"], 3)
        results["_web_rss"] = worker_rss_mb(server.pid)
        return results
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=60)


def wait_for_dashboard(cookie):
    """Open the dashboard once (which queues the computation of its figures) and wait
    until the worker has stored them; returns how long that took."""
    import requests

    from research.models import DashboardSnapshot

    DashboardSnapshot.objects.all().delete()  # measure a first computation
    started = time.perf_counter()
    page = requests.get(
        f"http://127.0.0.1:{PORT}/onderzoek/", headers={"Cookie": cookie}, timeout=30
    )
    page.raise_for_status()
    while time.perf_counter() - started < 600:
        if DashboardSnapshot.objects.filter(payload__isnull=False).exists():
            return round(time.perf_counter() - started, 2)
        time.sleep(0.5)
    raise RuntimeError("the dashboard's figures were not computed within 10 minutes")


def worker_rss_mb(master_pid):
    peak = 0
    for status in Path("/proc").glob("*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if f"PPid:\t{master_pid}\n" in text:
            peak = max(peak, int(re.search(r"VmHWM:\s+(\d+)", text).group(1)) / 1024)
    return round(peak, 1)


def timed(function, runs=RUNS):
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def timings():
    import datetime

    from django.db.models import Count

    from coordinators.matching import rank_coordinators
    from plans.models import FamilyPlan
    from plans.pdf import render_plan_pdf
    from referrals.models import Referral
    from research.report import render_report_pdf
    from research.stats import Filters, compute

    say("timing matching, statistics and PDFs")
    referral = Referral.objects.filter(region__name="Utrecht").first()
    match_ms = timed(lambda: rank_coordinators(referral)) * 1000
    first = Referral.objects.order_by("referred_on").values_list("referred_on", flat=True).first()
    tenth = Filters(date_from=first, date_to=first + datetime.timedelta(days=365))
    stats_all = timed(lambda: compute(Filters()))
    stats_tenth = timed(lambda: compute(tenth))
    report_s = timed(lambda: render_report_pdf(Filters()), runs=1)
    # The plan with the most agreements (the seed makes plans of up to about 30).
    biggest = (
        FamilyPlan.objects.annotate(n=Count("agreements"))
        .order_by("-n")
        .values_list("pk", flat=True)
        .first()
    )
    plan = (
        FamilyPlan.objects.select_related("referral", "conference", "decision__decided_by")
        .prefetch_related("agreements", "evaluation_moments")
        .get(pk=biggest)
    )
    plan_ms = timed(lambda: render_plan_pdf(plan)) * 1000
    # Peak memory of the statistics command and of the report, each in its own process.
    stats_rss = peak_of([PY, "manage.py", "research_stats", "--json"])
    pdf_rss = peak_of([PY, "-c", REPORT_SNIPPET])
    return {
        "plan_agreements": plan.agreements.count(),
        "match_ms": round(match_ms, 1),
        "research_stats_s": {"all": round(stats_all, 3), "tenth": round(stats_tenth, 3)},
        "research_pdf_s": round(report_s, 2),
        "plan_pdf_ms": round(plan_ms, 1),
        "_stats_rss": stats_rss,
        "_pdf_rss": pdf_rss,
    }


REPORT_SNIPPET = (
    "import django; django.setup(); "
    "from research.report import render_report_pdf; from research.stats import Filters; "
    "render_report_pdf(Filters())"
)


def peak_of(command):
    out = subprocess.run(
        ["/usr/bin/time", "-v", *command], cwd=ROOT, env=ENV, capture_output=True, text=True
    )
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr)
    return round(int(match.group(1)) / 1024, 1) if match else None


def write(results):
    results["peak_rss_mb"] = {
        "web": results.pop("_web_rss"),
        "stats": results.pop("_stats_rss"),
        "pdf": results.pop("_pdf_rss"),
    }
    results.pop("plan_agreements", None)
    dashboard_compute_s = results.pop("_dashboard_compute_s")
    ordered = {
        key: results[key]
        for key in [
            "machine",
            "cases",
            "import_cases_per_s",
            "baseline",
            "work_queue",
            "case_page",
            "coordinator_home",
            "research_dashboard",
            "match_ms",
            "research_stats_s",
            "research_pdf_s",
            "plan_pdf_ms",
            "peak_rss_mb",
        ]
    }
    # Beyond the named figures: the first computation of the dashboard (in the worker).
    ordered["research_dashboard_compute_s"] = dashboard_compute_s
    path = ROOT / "bench" / "results.json"
    path.write_text(json.dumps(ordered, indent=2) + "\n")
    print()
    print(f"{'figure':<28}{'value':>14}   target")
    for name in ("baseline", "work_queue", "case_page", "coordinator_home", "research_dashboard"):
        page = ordered[name]
        print(f"{name + ' p50/p95 ms':<28}{page['p50_ms']:>7}/{page['p95_ms']:<6}   p95 <= 150")
        print(f"{name + ' rps':<28}{page['rps']:>14}   ratio {page.get('ratio', 1)} >= 0.3")
    print(f"{'dashboard first compute s':<28}{dashboard_compute_s:>14}   (in the worker)")
    print(f"{'import_cases_per_s':<28}{ordered['import_cases_per_s']:>14}   >= 500")
    print(f"{'match_ms':<28}{ordered['match_ms']:>14}   <= 100")
    stats = ordered["research_stats_s"]
    print(
        f"{'research_stats_s all/tenth':<28}{stats['all']:>7}/{stats['tenth']:<6}"
        "   <= 2, all <= 12 x tenth"
    )
    print(f"{'research_pdf_s':<28}{ordered['research_pdf_s']:>14}   <= 10")
    print(f"{'plan_pdf_ms':<28}{ordered['plan_pdf_ms']:>14}   <= 800")
    for key, value in ordered["peak_rss_mb"].items():
        print(f"{'peak_rss_mb ' + key:<28}{value:>14}   <= 300")
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()
