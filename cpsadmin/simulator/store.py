"""The simulated cloud's state: its own sqlite file, outside Django.

The simulator never uses Django's database connections or transactions, so a
dashboard transaction that rolls back cannot undo what the simulated cloud did,
and a running simulator server and a `manage.py simulator` command in another
process see the same state. One connection per Store, guarded by a lock
(runsimulator serves requests from threads); every unit of work is one
`BEGIN IMMEDIATE` transaction, so processes queue up instead of interleaving.
"""

import json
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

from cpsadmin.simulator import catalogue

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS catalogue (
    kind TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, seq)
);
CREATE TABLE IF NOT EXISTS instances (
    instance_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    region TEXT NOT NULL,
    data TEXT NOT NULL,
    status TEXT NOT NULL,
    -- a transition in progress: the status it ends in, when, and what changes
    target_status TEXT,
    due_at REAL,
    pending TEXT
);
CREATE TABLE IF NOT EXISTS tokens (
    action TEXT NOT NULL,
    token TEXT NOT NULL,
    status INTEGER NOT NULL,
    request_id TEXT NOT NULL,
    body BLOB NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (action, token)
);
CREATE TABLE IF NOT EXISTS executions (
    id INTEGER PRIMARY KEY,
    action TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS reinstalls (
    id INTEGER PRIMARY KEY,
    instance_id TEXT NOT NULL,
    spec TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS faults (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    action TEXT,
    remaining INTEGER,
    share REAL,
    status INTEGER,
    seconds REAL,
    created_at REAL NOT NULL
);
"""

_CATALOGUE_KINDS = {
    "region": catalogue.regions,
    "deviceType": catalogue.device_types,
    "os": catalogue.oss,
    "software": catalogue.softwares,
    "raid": catalogue.raids,
}
_STATE_TABLES = ("catalogue", "instances", "tokens", "executions", "reinstalls")


class Store:
    def __init__(self, path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        self._conn = sqlite3.connect(
            self.path,
            timeout=30,
            isolation_level=None,  # transactions are explicit, below
            check_same_thread=False,
        )
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        with self.lock:
            # executescript commits on its own, so it runs outside transaction()
            self._conn.executescript(SCHEMA)
        with self.transaction() as conn:
            if conn.execute("SELECT value FROM meta WHERE key='seeded'").fetchone():
                return
            self._seed(conn)

    def close(self) -> None:
        with self.lock:
            self._conn.close()

    @contextmanager
    def transaction(self):
        """One locked `BEGIN IMMEDIATE` transaction; rolls back on error."""
        with self.lock:
            conn = self._conn
            if conn.in_transaction:  # nested use joins the outer transaction
                yield conn
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def reset(self) -> None:
        """Forget everything and seed a fresh cloud; faults are cleared too."""
        with self.transaction() as conn:
            for table in (*_STATE_TABLES, "faults", "meta"):
                conn.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed names)
            self._seed(conn)

    def _seed(self, conn) -> None:
        for kind, build in _CATALOGUE_KINDS.items():
            conn.executemany(
                "INSERT INTO catalogue (kind, seq, data) VALUES (?, ?, ?)",
                [(kind, seq, json.dumps(row)) for seq, row in enumerate(build())],
            )
        for seq, instance in enumerate(catalogue.instances()):
            status = instance.pop("status")
            conn.execute(
                "INSERT INTO instances (instance_id, seq, region, data, status)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    instance["instanceId"],
                    seq,
                    instance["region"],
                    json.dumps(instance),
                    status,
                ),
            )
        conn.execute("INSERT INTO meta (key, value) VALUES ('seeded', '1')")
        conn.execute("INSERT INTO meta (key, value) VALUES ('software_enabled', '1')")

    # --- catalogue and switches ---------------------------------------------

    def catalogue(self, conn, kind: str) -> list[dict]:
        rows = conn.execute(
            "SELECT data FROM catalogue WHERE kind = ? ORDER BY seq", (kind,)
        )
        return [json.loads(row["data"]) for row in rows]

    def get_meta(self, conn, key: str, default: str = "") -> str:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else default

    def set_meta(self, conn, key: str, value: str) -> None:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
