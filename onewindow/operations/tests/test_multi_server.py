"""Two app servers behind nginx, as docs/operations.md lays them out: the shipped nginx site (TLS with a
certificate of its own, static files, upstream of two gunicorn instances on loopback ports), one PostgreSQL
database and one Redis, DEBUG off. The on-site flow (bench's locustfile, through the API with tokens) and the
portal flow run through nginx while one instance is killed; then nothing is lost or doubled, and sessions,
throttles and the cache are shared between the instances."""

import datetime
import http.cookies
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import pytest

from onewindow.bench.runner import HERE as BENCH
from onewindow.bench.runner import start_process, stop_process, wait_until_up

from .installation import ROOT, Installation

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
REDIS_URL = "redis://127.0.0.1:6379/13"  # a database number of its own, emptied first


def _redis():
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        client.ping()
        return client
    except Exception:  # not installed here or not reachable: the test is skipped
        return None


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (Debian package nginx; make system-deps)"),
    pytest.mark.skipif(_redis() is None, reason="Redis is not reachable at 127.0.0.1:6379"),
]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _certificate(directory: Path) -> Path:
    """A self-signed certificate for 127.0.0.1 standing in for the department's."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .sign(key, hashes.SHA256()))
    (directory / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "privkey.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return directory / "fullchain.pem"


def _nginx_config(work: Path, *, http_port: int, https_port: int, upstreams: list[int], static: Path) -> Path:
    """deploy/nginx/onewindow.conf with this machine's ports, paths and certificate; nginx unprivileged."""
    site = (ROOT / "deploy" / "nginx" / "onewindow.conf").read_text()
    site = re.sub(r"    server 127\.0\.0\.1:8000 (.*);\n", lambda m: "".join(
        f"    server 127.0.0.1:{port} {m.group(1)};\n" for port in upstreams), site)
    site = re.sub(r"\n\s*listen \[::\]:\d+.*", "", site)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = re.sub(r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;", site)
    site = site.replace("/etc/onewindow/tls/", f"{work}/").replace("/var/lib/onewindow/static/", f"{static}/")
    assert site.count("127.0.0.1:") == 2 + len(upstreams), site
    temp = "".join(f"{kind}_temp_path {work}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                     "scgi"))
    (work / "site.conf").write_text(site)
    # Run by root (a container), nginx would hand its workers to "nobody", who cannot read the temp dir.
    (work / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\nworker_processes 1;\npid {work}/nginx.pid;\nerror_log {work}/error.log;\n"
        f"events {{ worker_connections 256; }}\n"
        f"http {{\ninclude /etc/nginx/mime.types;\naccess_log {work}/access.log;\n{temp}include {work}/site.conf;\n}}\n")
    return work / "nginx.conf"


def _wait_for_port(port: int, process: subprocess.Popen) -> None:
    import socket

    for _ in range(50):
        assert process.poll() is None, "nginx exited"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on {port}")


class Browser:
    """A person's browser. Cookies are kept by hand and sent to whichever address is asked, so that the test
    can carry a session from one app server to the other (their cookies are Secure; the instances speak HTTP
    on loopback, as behind nginx). Redirects are not followed: the test looks at them."""

    def __init__(self, base: str, context: ssl.SSLContext | None = None):
        self.base, self.cookies = base, {}

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        handlers = [NoRedirect()] + ([urllib.request.HTTPSHandler(context=context)] if context else [])
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, path: str, data: dict | None = None, base: str | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {**(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request((base or self.base) + path, data=body, headers=headers)
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in http.cookies.SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.headers, response.read().decode(errors="replace")

    def form(self, path: str, data: dict, base: str | None = None):
        """GET the page for its CSRF token, then POST the form with the page as Referer, as a browser does
        (Django checks the Referer on HTTPS, which gunicorn reports from nginx's X-Forwarded-Proto)."""
        status, _, html = self.request(path, base=base)
        assert status == 200, (path, status)
        token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        return self.request(path, {"csrfmiddlewaretoken": token, **data}, base=base,
                            headers={"Referer": (base or self.base) + path})


def _db_rows(url: str, query: str) -> list[tuple]:
    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        return conn.execute(query).fetchall()


def test_two_app_servers_behind_nginx_share_one_database_and_redis(tmp_path):
    started = time.monotonic()
    phases = {}
    _redis().flushdb()
    ports = [_free_port(), _free_port()]
    http_port, https_port = _free_port(), _free_port()
    token = "multi-server-metrics-token"
    # The test also reaches each instance directly on loopback (as nginx does); nginx itself sends plain HTTP
    # to https, so the application's own redirect is off here.
    site = Installation(tmp_path, "multi", REDIS_URL=REDIS_URL, SECURE_COOKIES="1", WEB_CONCURRENCY="2",
                        SECURE_SSL_REDIRECT="0",
                        ONEWINDOW_PUBLIC_URL=f"https://127.0.0.1:{https_port}", ONEWINDOW_METRICS_TOKEN=token)
    site.run("migrate", "--noinput", "-v", "0")
    site.run("collectstatic", "--noinput", "-v", "0")
    site.run("demo", "setup", "--force")
    prepared = site.run("shell", "-c", "import json; from onewindow.bench import fixtures; f = fixtures.prepare("
                                       "clerks=2); print(json.dumps({'tokens': f.tokens, 'flow': f.flow}))")
    fixtures = json.loads(prepared.stdout.strip().splitlines()[-1])
    phases["set-up"] = time.monotonic() - started
    print(f"set-up: {phases['set-up']:.1f} s")

    work = tmp_path / "nginx"
    work.mkdir()
    cafile = _certificate(work)
    servers = []
    for n, port in enumerate(ports):
        (tmp_path / f"metrics{n}").mkdir()
        env = {**site.env, "BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": str(tmp_path / f"access{n}.log"),
               "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / f"metrics{n}")}
        servers.append(start_process([sys.executable, "-m", "gunicorn", "-c", "python:onewindow.gunicorn_conf",
                                      "onewindow.wsgi"], env=env, log=tmp_path / f"gunicorn{n}.log"))
    config = _nginx_config(work, http_port=http_port, https_port=https_port, upstreams=ports,
                           static=Path(site.env["ONEWINDOW_STATIC_ROOT"]))
    nginx = start_process([NGINX, "-p", str(work), "-c", str(config)], env=os.environ.copy(), log=work / "nginx.log")
    locust = None
    try:
        for server, port in zip(servers, ports, strict=True):
            wait_until_up(f"http://127.0.0.1:{port}/livez", server)
        _wait_for_port(https_port, nginx)
        direct = [f"http://127.0.0.1:{port}" for port in ports]
        context = ssl.create_default_context(cafile=str(cafile))
        front = f"https://127.0.0.1:{https_port}"

        # TLS ends at nginx; plain HTTP is sent there; static files come from nginx, not from Python.
        status, headers, _ = Browser(f"http://127.0.0.1:{http_port}").request("/guide/")
        assert status == 301 and headers["Location"] == "https://127.0.0.1/guide/"
        visitor = Browser(front, context)
        status, headers, html = visitor.request("/guide/")
        assert status == 200 and "办事指南" in html and headers["X-Request-ID"]
        css = re.search(r'href="(/static/[^"]+\.css)"', html).group(1)
        status, headers, _ = visitor.request(css)
        assert status == 200 and "immutable" in headers["Cache-Control"]
        assert visitor.request("/metrics", headers={"Authorization": f"Bearer {token}"})[0] == 404  # never outside

        # A staff session started on instance 0 works on instance 1 (sessions in the shared database).
        staff = Browser(direct[0])
        status, headers, _ = staff.form("/accounts/login/", {"username": "chief", "password": "onewindow-demo"})
        assert status == 302, status
        assert staff.request("/workbench/", base=direct[1])[0] == 200
        assert Browser(direct[1]).request("/workbench/")[0] == 302  # without the session: to the sign-in page

        # Throttles count on both instances together (core/ratelimit.py: counters in the shared database): 5
        # wrong passwords spread over the two, then the right one is refused too; were each instance counting
        # alone, it would have let the person in.
        thrower = Browser(direct[0])
        for attempt in range(5):
            status, _, _ = thrower.form("/signin/", {"mobile": "13800000000", "method": "password",
                                                     "password": "wrong-password"}, base=direct[attempt % 2])
            assert status == 422
        status, _, html = thrower.form("/signin/", {"mobile": "13800000000", "method": "password",
                                                    "password": "onewindow-demo"}, base=direct[1])
        assert status == 422 and "失败次数过多" in html
        site.run("shell", "-c", "from onewindow.core.models import RateCounter; RateCounter.objects.all().delete()")

        # The on-site flow through nginx (bench's locustfile: create → accept → decide → certificate → issue).
        results = tmp_path / "flow.tsv"
        (tmp_path / "flow.json").write_text(json.dumps({**fixtures["flow"], "tokens": fixtures["tokens"],
                                                        "results": str(results)}, ensure_ascii=False))
        locust = subprocess.Popen(
            [sys.executable, "-m", "locust", "-f", str(BENCH / "locustfile.py"), "--headless", "-u", "2", "-r", "2",
             "-t", "24s", "--host", front, "--csv", str(tmp_path / "locust"), "--only-summary", "--loglevel",
             "WARNING"], env={**site.env, "BENCH_FLOW_CONFIG": str(tmp_path / "flow.json")}, cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=open(tmp_path / "locust.log", "w"))

        # The portal flow through nginx meanwhile: an applicant signs in and comes back page after page.
        applicant = Browser(front, context)
        status, headers, html = applicant.form("/signin/", {"mobile": "13800000000", "method": "password",
                                                            "password": "onewindow-demo"})
        assert status == 302 and headers["Location"].endswith("/my/cases/"), (status, re.findall(r"<p>(.*?)</p>", html, re.S)[:3], applicant.cookies)
        for _ in range(4):
            assert applicant.request("/my/cases/")[0] == 200
        time.sleep(10)
        served = [len((tmp_path / f"access{n}.log").read_text().splitlines()) for n in range(2)]
        assert min(served) > 5, served  # nginx spread the requests over both instances

        os.killpg(servers[1].pid, signal.SIGKILL)  # an app server is lost mid-run
        servers[1].wait()
        done_at_kill = len(results.read_text().splitlines()) if results.exists() else 0
        for _ in range(4):  # the session lives on, served by the instance left
            assert applicant.request("/my/cases/")[0] == 200
        assert applicant.request("/my/certificates/")[0] == 200
        locust.wait(timeout=120)
        phases["flow"] = time.monotonic() - started

        completed = [line.split("\t") for line in results.read_text().splitlines()]
        assert len(completed) > done_at_kill > 0, (done_at_kill, len(completed))
        case_nos, certificate_nos = [c for c, _ in completed], [n for _, n in completed]
        assert len(set(case_nos)) == len(case_nos) and len(set(certificate_nos)) == len(certificate_nos)
        url = site.env["DATABASE_URL"]
        states = dict(_db_rows(url, "SELECT case_no, state FROM cases_case"))
        assert all(states[no] == "completed" for no in case_nos)  # nothing the client saw done is lost
        assert not _db_rows(url, "SELECT case_no FROM certificates_certificate WHERE case_no <> '' "
                                 "GROUP BY case_no HAVING COUNT(*) > 1")  # nothing doubled
        [(numbered,)] = _db_rows(url, "SELECT COUNT(*) FROM cases_case WHERE case_no <> ''")
        # The numbers taken (core.sequences.sequence_values: a series' own PostgreSQL sequence, else its row).
        [(issued,)] = _db_rows(url, "SELECT COALESCE(SUM(COALESCE(pg_sequence_last_value("
                                    "to_regclass('core_series_' || id)), last)), 0) FROM core_sequence "
                                    "WHERE name LIKE 'case:%'")
        # Every number belongs to at most one case: a number taken by a request killed mid-transaction is
        # lost (a gap), never given again.
        assert numbered <= issued
        assert site.run("audit", "verify").returncode == 0

        # The progress page of a case done in the flow, for the visitor who gives the proof (session + cache).
        status, headers, _ = visitor.form("/progress/", {"case_no": case_nos[-1], "last4": "1111"})
        assert status == 302
        assert visitor.request(urllib.parse.urlparse(headers["Location"]).path)[0] == 200

        # Each instance reports all its workers' requests (prometheus multiprocess mode), and the shared gauges.
        status, _, text = Browser(direct[0]).request("/metrics", headers={"Authorization": f"Bearer {token}"})
        assert status == 200 and 'onewindow_cases{state="completed"}' in text
        assert re.search(r'onewindow_request_duration_seconds_count\{method="POST",view="api:case_create"\}', text)
        status, _, body = Browser(direct[0]).request("/readyz")
        assert status == 200 and json.loads(body)["cache"] == "ok"
    finally:
        if locust and locust.poll() is None:
            locust.kill()
        for process in [*servers, nginx]:
            stop_process(process)
    print(f"phases (s from start): {phases}; total {time.monotonic() - started:.1f}")
