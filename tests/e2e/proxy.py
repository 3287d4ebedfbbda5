"""Debian's nginx in front of app replicas, configured by the shipped docs/nginx/senryoku.conf.

Plain module (no pytest) so the load test can use it too. nginx runs in the foreground in
a temporary prefix (``nginx -c <conf> -p <prefix>``), never as the system service.

The shipped file is used as it is, except for the replica addresses, the listen port and
the log path. The wrapper around it adds what only a test needs:

* client addresses: every browser of a test runs on this host, so each gets an *edge*
  (one more ``server`` in the same nginx, on its own port) that passes its connections on
  — page, uploads and WebSocket alike, at the TCP level of HTTP/1.1 proxying — from its
  own source address (``proxy_bind 127.0.<k>.1``). The shipped server then sees distinct
  clients exactly as it would see browsers on the internet: ``ip_hash`` spreads them over
  the replicas and ``X-Forwarded-For`` names each. An edge may also lead straight to one
  replica (a client that reaches a replica by another path, with the same address);
* ``X-Test-Upstream`` on every response: which replica served it.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_CONF = ROOT / "docs" / "nginx" / "senryoku.conf"
UPSTREAM_HEADER = "X-Test-Upstream"

WRAPPER = """\
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
{user}
events {{ worker_connections 512; }}
http {{
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    add_header {upstream_header} $upstream_addr always;
    include {prefix}/senryoku.conf;
{edges}}}
"""

EDGE = """\
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://{target};
            proxy_bind {source};
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $senryoku_connection;
            proxy_set_header Host $http_host;
            proxy_request_buffering off;
            proxy_buffering off;
            proxy_read_timeout 1h;
            proxy_hide_header {upstream_header};
            add_header {upstream_header} $upstream_http_{upstream_var} always;
        }}
    }}
"""


def nginx_binary() -> str | None:
    """Debian's nginx (scripts/system-deps.sh installs it), or None."""
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
    )


def site_conf(replicas: list[str], port: int, log_dir: Path) -> str:
    """The shipped configuration with these replica addresses, port and log folder."""
    text = SHIPPED_CONF.read_text("utf-8")
    servers = "".join(f"    server {r};\n" for r in replicas)
    text, n = re.subn(
        r"(?m)^    server 127\.0\.0\.1:\d+;\n(?:    server 127\.0\.0\.1:\d+;\n)*", servers, text
    )
    assert n == 1, "docs/nginx/senryoku.conf: the upstream's server lines moved"
    text, n = re.subn(r"(?m)^    listen 80;", f"    listen 127.0.0.1:{port};", text)
    assert n == 1, "docs/nginx/senryoku.conf: the listen line moved"
    text, n = re.subn(r"/var/log/nginx/", f"{log_dir}/", text)
    assert n == 1, "docs/nginx/senryoku.conf: the access_log line moved"
    return text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_nginx(
    replicas: list[str],
    prefix: Path,
    edges: list[tuple[str, str | None]] = (),
    timeout: float = 20.0,
):
    """Start nginx for ``replicas`` (``host:port``) in ``prefix``. ``edges`` are
    (source address, replica or None for the proxy itself). Returns (process, proxy url,
    [edge url per edge])."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx not installed: apt-get install -y nginx")
    port = _free_port()
    prefix.mkdir(parents=True, exist_ok=True)
    (prefix / "senryoku.conf").write_text(site_conf(replicas, port, prefix), "utf-8")
    edge_ports = [_free_port() for _ in edges]
    edge_conf = "".join(
        EDGE.format(
            port=edge_port,
            target=target or f"127.0.0.1:{port}",
            source=source,
            upstream_header=UPSTREAM_HEADER,
            upstream_var=UPSTREAM_HEADER.lower().replace("-", "_"),
        )
        for edge_port, (source, target) in zip(edge_ports, edges, strict=True)
    )
    user = "user root root;" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(
        WRAPPER.format(prefix=prefix, user=user, upstream_header=UPSTREAM_HEADER, edges=edge_conf),
        "utf-8",
    )
    cmd = [
        binary,
        "-c",
        str(prefix / "nginx.conf"),
        "-p",
        str(prefix),
        "-e",
        str(prefix / "error.log"),
        "-g",
        "daemon off;",
    ]
    check = subprocess.run([*cmd, "-t"], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(check.stderr)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError((prefix / "error.log").read_text(errors="replace"))
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                return proc, url, [f"http://127.0.0.1:{p}" for p in edge_ports]
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("nginx did not answer in time")


def replica_behind(edge_url: str) -> str:
    """The replica (``host:port``) that serves requests coming through this edge."""
    with urllib.request.urlopen(edge_url + "/_stcore/health", timeout=5) as response:
        return response.headers[UPSTREAM_HEADER]


def stop_nginx(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
