"""Create the database named by DATABASE_URL and its PostGIS extension, if missing.

Runs before Django is configured, so it talks to PostgreSQL directly through psycopg.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import environ
import psycopg
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
url = urlparse(os.environ.get("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/mahalla_safety"))
dbname = url.path.lstrip("/")
conninfo = dict(host=url.hostname or "127.0.0.1", port=url.port or 5432, user=url.username or "postgres",
                password=url.password or None)


def connect(db: str):
    return psycopg.connect(dbname=db, autocommit=True, **conninfo)


try:
    admin = connect("postgres")
except psycopg.OperationalError as exc:
    # A fresh Debian cluster only trusts the postgres OS user on its socket: grant the same over TCP.
    if os.geteuid() != 0:
        sys.exit(f"cannot connect to PostgreSQL as {conninfo['user']}: {exc}")
    hba = subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-tAc", "SHOW hba_file"],
                         check=True, capture_output=True, text=True).stdout.strip()
    with open(hba) as fh:
        rules = fh.read()
    line = "host all postgres 127.0.0.1/32 trust\n"
    if line not in rules:
        with open(hba, "w") as fh:
            fh.write(line + rules)
        subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-c", "SELECT pg_reload_conf()"], check=True)
    admin = connect("postgres")

with admin:
    exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
    if not exists:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
        print(f"created database {dbname}")
with connect(dbname) as conn:
    conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    conn.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
