"""Two application servers on one PostgreSQL database share the login session."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

from tests.conftest import make_user
from tests.second_factor import current_code, give_device

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs it)"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port, env):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ekc.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except requests.RequestException:  # not up yet, or still starting
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not start")


def test_a_session_from_one_server_works_on_the_other(settings):
    import ekc.settings as project

    settings.PASSWORD_HASHERS = project.PASSWORD_HASHERS  # the servers check with these
    user = make_user("shared@ekc.test", is_researcher=True)
    user.set_password("a-long-password-for-both-servers")
    user.save()
    give_device(user)
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "true",  # serves the static files without collectstatic
        "SECRET_KEY": "the-same-secret-on-every-server-0123456789-abcdefghij",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    a_port, b_port = free_port(), free_port()
    servers = [start_server(a_port, env), start_server(b_port, env)]
    try:
        session = requests.Session()
        login = session.get(f"http://127.0.0.1:{a_port}/inloggen/", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        done = session.post(
            f"http://127.0.0.1:{a_port}/inloggen/",
            data={
                "username": user.email,
                "password": "a-long-password-for-both-servers",
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": f"http://127.0.0.1:{a_port}/inloggen/"},
            allow_redirects=False,
            timeout=10,
        )
        assert done.status_code == 302, done.text[:500]
        # A researcher gives the second factor too, on the first server.
        step = session.get(f"http://127.0.0.1:{a_port}{done.headers['Location']}", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', step.text).group(1)
        verified = session.post(
            f"http://127.0.0.1:{a_port}/tweede-stap/",
            data={"code": current_code(user), "csrfmiddlewaretoken": token},
            headers={"Referer": f"http://127.0.0.1:{a_port}/tweede-stap/"},
            allow_redirects=False,
            timeout=10,
        )
        assert verified.status_code == 302, verified.text[:500]
        home = session.get(f"http://127.0.0.1:{b_port}/", allow_redirects=False, timeout=10)
        assert home.status_code == 200
        assert "Welkom" in home.text
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
