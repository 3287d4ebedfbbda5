"""Replicas tested the way they are deployed: one real PostgreSQL, two `streamlit run app.py`
servers on it (DATABASE_URL), and Debian's nginx in front with the shipped
docs/nginx/senryoku.conf (ip_hash stickiness, WebSocket upgrade, the upload limit). Browsers
reach the app only through the proxy, each standing for its own client address (see
tests/e2e/proxy.py), so what one replica writes the other must read from the store."""

from __future__ import annotations

import http.client
import re
import time
import tomllib
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from engine.core.i18n import t
from engine.diagnosis import share
from engine.leads.leadset import LeadSet
from engine.store.submissions import hash_password
from tests.e2e.proxy import nginx_binary, replica_behind, start_nginx, stop_nginx
from tests.e2e.server import ROOT, start_app, stop_app
from tests.postgres_server import postgres_server

pytestmark = pytest.mark.browser
WAIT = 60_000  # ms: two replicas, PostgreSQL and a browser share two busy cores

SAMPLE = ROOT / "sample_data" / "salesforce_leads_ja.csv"
PASSWORD = "operator-pw"
# Client source addresses, one /24 each (ip_hash hashes the first three octets).
SOURCES = [f"127.0.{k}.1" for k in range(1, 15)]


class Client:
    """A browser's way in: its address, its edge into the proxy and its edge straight to
    replica 1 (the same address reaching the other replica by another path)."""

    def __init__(self, address: str, url: str, direct_url: str) -> None:
        self.address, self.url, self.direct_url = address, url, direct_url


class Deployment:
    """The replicas, the proxy's access log and, per replica, clients that ip_hash sends
    to it (each used by one test, so no two tests share a client's counts)."""

    def __init__(self, replicas: list[str], log: Path, clients: list[Client]) -> None:
        self.replicas, self.access_log = replicas, log
        self.clients: dict[str, list[Client]] = defaultdict(list)
        for client in clients:
            self.clients[replica_behind(client.url)].append(client)
        assert set(self.clients) == set(replicas), "ip_hash sent every client to one replica"

    def client_on(self, replica: int) -> Client:
        """A fresh client that ip_hash sends to replica 0 or 1."""
        return self.clients[self.replicas[replica]].pop(0)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """PostgreSQL, two app replicas on it with the same secrets, nginx in front."""
    if nginx_binary() is None:
        pytest.skip("nginx not installed (scripts/system-deps.sh)")
    tmp = tmp_path_factory.mktemp("replicas")
    secrets = tmp / "secrets.toml"
    secrets.write_text(
        f'[admin]\npassword_hash = "{hash_password(PASSWORD, iterations=1000)}"\n', "utf-8"
    )
    with postgres_server() as database_url:
        apps = []
        try:
            for i in range(2):
                apps.append(
                    start_app(
                        {"DATABASE_URL": database_url},
                        extra_args=["--secrets.files", str(secrets)],
                        log_path=tmp / f"replica{i}.log",
                    )
                )
            replicas = [urlsplit(url).netloc for _, url in apps]
            edges = [(a, None) for a in SOURCES] + [(a, replicas[1]) for a in SOURCES]
            nginx, url, edge_urls = start_nginx(replicas, tmp / "nginx", edges)
            clients = [
                Client(a, edge_urls[i], edge_urls[len(SOURCES) + i]) for i, a in enumerate(SOURCES)
            ]
            try:
                deployment = Deployment(replicas, tmp / "nginx" / "senryoku.access.log", clients)
                deployment.url = url
                yield deployment
            finally:
                stop_nginx(nginx)
        finally:
            for proc, _ in apps:
                stop_app(proc)


def _context(browser):
    ctx = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(60_000)
    return ctx


def _metric_value(page, label: str):
    metric = page.get_by_test_id("stMetric").filter(has_text=label).first
    return metric.get_by_test_id("stMetricValue")


def test_journey_with_an_upload_through_the_proxy(deployment, browser):
    """Test that a CP932 upload through nginx is counted as the engine counts it, and that
    the page, the upload and the WebSocket of that browser all passed the proxy with the
    client's address (the access log, which holds no query string)."""
    with LeadSet.open(SAMPLE) as leadset:
        rows = leadset.profile().rows
    client = deployment.client_on(0)
    ctx = _context(browser)
    try:
        page = ctx.new_page()
        page.goto(f"{client.url}/leads?s=not-a-token")
        page.locator(".st-key-leads_file input[type=file]").set_input_files(SAMPLE)
        expect(_metric_value(page, "総行数")).to_have_text(f"{rows:,}", timeout=WAIT)
    finally:
        ctx.close()
    # nginx logs a WebSocket when it closes, a moment after the browser went away
    deadline = time.monotonic() + 30
    while '"GET /_stcore/stream" 101' not in "".join(_lines_of(deployment, client)):
        assert time.monotonic() < deadline, _lines_of(deployment, client)
        time.sleep(0.2)
    log = deployment.access_log.read_text().splitlines()
    mine = _lines_of(deployment, client)
    assert any(re.search(r'"PUT /_stcore/upload_file/\S+" 204', ln) for ln in mine), mine
    assert any('"GET /leads" 200' in ln for ln in mine), mine
    assert not [ln for ln in log if "?" in ln or "not-a-token" in ln]


def _lines_of(deployment: Deployment, client: Client) -> list[str]:
    lines = deployment.access_log.read_text().splitlines()
    return [ln for ln in lines if ln.startswith(client.address + " ")]


def _team_url(shown: str, client: Client) -> str:
    """A link the page shows, opened through ``client``'s own way in."""
    return client.url + shown[shown.index("/team") :]


def test_team_round_started_on_one_replica_is_rated_and_closed_on_the_other(deployment, browser):
    """Test that a round a lead starts on replica 0 is rated by a member on replica 1,
    whose lead view there counts the answer and withdraws the link, and that replica 0
    then says the link was withdrawn."""
    lead_client, other_client = deployment.client_on(0), deployment.client_on(1)
    lead, other = _context(browser), _context(browser)
    try:
        page = lead.new_page()
        page.goto(f"{lead_client.url}/team")
        page.get_by_label(t("team.start.company", "ja")).fill("レプリカ工業株式会社")
        page.get_by_role("button", name=t("team.start.submit", "ja")).click()
        expect(page.get_by_text(t("team.start.created", "ja"))).to_be_visible(timeout=WAIT)
        links = page.get_by_test_id("stCode")
        expect(links).to_have_count(2, timeout=WAIT)
        lead_link, invite_link = (links.nth(i).inner_text().strip() for i in range(2))

        member = other.new_page()
        member.goto(_team_url(invite_link, other_client))
        member.get_by_test_id("stSelectbox").click()
        member.get_by_role("option", name=t("team.role.sales", "ja"), exact=True).click()
        member.get_by_role("button", name=t("team.member.submit", "ja")).click()
        expect(member.get_by_text(t("team.member.saved", "ja"))).to_be_visible(timeout=WAIT)

        closer = other.new_page()
        closer.goto(_team_url(lead_link, other_client))
        answered = t("team.lead.answered", "ja", count=1)
        expect(closer.get_by_text(answered)).to_be_visible(timeout=WAIT)
        closer.get_by_role("button", name=t("team.lead.revoke", "ja")).click()
        done = t("team.lead.revoked_done", "ja")
        expect(closer.get_by_text(done)).to_be_visible(timeout=WAIT)

        page.goto(_team_url(invite_link, lead_client))
        expect(
            page.get_by_test_id("stAlertContentError").get_by_test_id("stMarkdownContainer")
        ).to_have_text(t("team.revoked", "ja"), timeout=WAIT)
    finally:
        lead.close()
        other.close()


def _admin_login(page, url: str, password: str) -> None:
    page.goto(f"{url}/admin")
    page.get_by_label(t("hosting.admin.password", "ja")).fill(password)
    page.get_by_role("button", name=t("hosting.admin.password_submit", "ja")).click()


COUNT = re.compile(r"送信された診断: (\d+) 件")


def test_consented_submission_on_one_replica_shows_in_the_others_admin(deployment, browser):
    """Test that a prospect's consented send on replica 0 is counted on replica 1's admin
    page, signed in with the secrets both replicas share."""
    prospect_client, operator_client = deployment.client_on(0), deployment.client_on(1)
    prospect, operator = _context(browser), _context(browser)
    try:
        admin = operator.new_page()
        _admin_login(admin, operator_client.url, PASSWORD)
        shown = admin.get_by_text(COUNT).or_(admin.get_by_text(t("hosting.admin.empty", "ja")))
        expect(shown).to_be_visible(timeout=WAIT)
        found = COUNT.search(shown.inner_text())
        count = int(found.group(1)) if found else 0

        page = prospect.new_page()
        token = share.encode("quick", {"leads_total": 4000, "target_leads": 1500}, {})
        page.goto(f"{prospect_client.url}/results?s={token}")
        page.get_by_label(t("hosting.consent.company", "ja")).fill("レプリカ商事")
        page.get_by_label(t("hosting.consent.name", "ja")).fill("検証 太郎")
        page.get_by_label(t("hosting.consent.email", "ja")).fill("taro@replica.example")
        page.get_by_text(t("hosting.consent.checkbox", "ja")).click()
        page.get_by_role("button", name=t("hosting.consent.submit", "ja")).click()
        sent = t("hosting.consent.success", "ja", email="taro@replica.example")
        expect(page.get_by_text(sent)).to_be_visible(timeout=WAIT)

        _admin_login(admin, operator_client.url, PASSWORD)  # a login lasts one session
        expect(admin.get_by_text(f"送信された診断: {count + 1} 件")).to_be_visible(timeout=WAIT)
    finally:
        prospect.close()
        operator.close()


def test_wrong_passwords_counted_on_both_replicas_pause_that_client_only(deployment, browser):
    """Test that one client's three wrong passwords through the proxy (on replica 0) and
    two more from the same address straight to replica 1 pause that client on both
    replicas, while the operator, on another address, signs in."""
    guesser, operator_client = deployment.client_on(0), deployment.client_on(0)
    wrong = t("hosting.admin.password_wrong", "ja")
    paused = t("hosting.admin.password_locked", "ja", minutes=5)
    ctx, operator = _context(browser), _context(browser)
    try:
        page = ctx.new_page()
        for i in range(3):
            _admin_login(page, guesser.url, f"guess-{i}")
            expect(page.get_by_text(wrong)).to_be_visible(timeout=WAIT)
        direct = ctx.new_page()
        for i in range(3, 5):
            _admin_login(direct, guesser.direct_url, f"guess-{i}")
            expect(direct.get_by_text(wrong)).to_be_visible(timeout=WAIT)
        _admin_login(direct, guesser.direct_url, PASSWORD)
        expect(direct.get_by_text(paused)).to_be_visible(timeout=WAIT)
        _admin_login(page, guesser.url, PASSWORD)
        expect(page.get_by_text(paused)).to_be_visible(timeout=WAIT)

        admin = operator.new_page()
        _admin_login(admin, operator_client.url, PASSWORD)
        signed_in = admin.get_by_text(COUNT).or_(admin.get_by_text(t("hosting.admin.empty", "ja")))
        expect(signed_in).to_be_visible(timeout=WAIT)
    finally:
        ctx.close()
        operator.close()


def test_proxy_upload_limit_matches_the_apps(deployment):
    """Test that nginx's client_max_body_size is the app's maxUploadSize plus 1 MB: a body
    declared at that size passes nginx, one byte more gets nginx's 413."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    limit = (config["server"]["maxUploadSize"] + 1) * 1024 * 1024
    conf = (ROOT / "docs" / "nginx" / "senryoku.conf").read_text("utf-8")
    assert f"client_max_body_size {config['server']['maxUploadSize'] + 1}m;" in conf
    host = urlsplit(deployment.url).netloc
    for size, refused in ((limit + 1, True), (limit, False)):
        conn = http.client.HTTPConnection(host, timeout=10)
        conn.putrequest("PUT", "/_stcore/upload_file/x/y")
        conn.putheader("Content-Length", str(size))
        conn.endheaders()
        status = conn.getresponse().status
        conn.close()
        assert (status == 413) is refused, (size, status)


def test_metrics_are_closed_at_the_proxy(deployment):
    """Test that /_stcore/metrics answers 404 through the proxy (the replica's own port,
    inside the network, still serves the operator)."""
    host = urlsplit(deployment.url).netloc
    for path, expected in (("/_stcore/metrics", 404), ("/_stcore/health", 200)):
        conn = http.client.HTTPConnection(host, timeout=10)
        conn.request("GET", path)
        assert conn.getresponse().status == expected, path
        conn.close()
