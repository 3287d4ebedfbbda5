"""A real PostgreSQL server for tests, started from Debian's package binaries.

The server runs on a free loopback port in a throw-away data directory. As root
(CI), it runs as the ``postgres`` system user, since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"PostgreSQL binary {name!r} not found: apt-get install -y postgresql")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres_server():
    """Yield a ``postgresql://`` URL of a fresh, running server; stop it afterwards."""
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    datadir = tempfile.mkdtemp(prefix="senryoku-pg-")
    if as_root:
        shutil.chown(datadir, "postgres", "postgres")
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    subprocess.run(
        [*prefix, _bin("initdb"), "-D", datadir, "-U", "senryoku", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
        env=env,
    )
    log = os.path.join(datadir, "server.log")
    opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {datadir} -c fsync=off"
    subprocess.run(
        [*prefix, _bin("pg_ctl"), "-D", datadir, "-l", log, "-o", opts, "-w", "start"],
        check=True,
        capture_output=True,
        env=env,
    )
    try:
        url = f"postgresql://senryoku@127.0.0.1:{port}/postgres"
        import psycopg

        deadline = time.time() + 30
        while True:
            try:
                psycopg.connect(url, connect_timeout=2).close()
                break
            except psycopg.OperationalError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        subprocess.run(
            [*prefix, _bin("pg_ctl"), "-D", datadir, "-m", "immediate", "stop"],
            capture_output=True,
            env=env,
        )
        shutil.rmtree(datadir, ignore_errors=True)
