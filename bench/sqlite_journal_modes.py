#!/usr/bin/env python3
"""CPU and wall time of a bulk load's writes in SQLite's WAL mode against its
rollback-journal modes (docs/benchmarks.md, "Session 23").

    bench/sqlite_journal_modes.py [ROWS] [ROUNDS]

Writes ROWS (default 100000) rows of ~2 KB (a document's fields and vectors), keys in
ascending order, 1000 per transaction, into a fresh file with 16 KiB pages and an 8 MiB
page cache, as the backend's bulk loads do; WAL checkpoints every 128 MiB and once at the
end, as the backend's do. Each mode runs ROUNDS (default 2) times, after sync. Prints
CPU (user + system) and wall seconds. Python's standard sqlite3 module only.
"""
import os
import resource
import shutil
import sqlite3
import sys
import tempfile
import time

MODES = [("WAL", "NORMAL"), ("DELETE", "NORMAL"), ("TRUNCATE", "NORMAL"), ("DELETE", "OFF")]


def run(mode, sync, rows, batch=1000):
    folder = tempfile.mkdtemp(dir="/var/tmp")
    path = os.path.join(folder, "t.db")
    try:
        con = sqlite3.connect(path, isolation_level=None)
        con.execute("PRAGMA page_size=16384")
        con.execute(f"PRAGMA journal_mode={mode}")
        con.execute(f"PRAGMA synchronous={sync}")
        con.execute("PRAGMA cache_size=-8192")
        if mode == "WAL":
            con.execute("PRAGMA wal_autocheckpoint=8192")
        con.execute("CREATE TABLE docs (id TEXT PRIMARY KEY, collection TEXT, fields BLOB, "
                    "vectors BLOB, created INTEGER)")
        fields, vectors = os.urandom(450), os.urandom(1540)
        before, start = resource.getrusage(resource.RUSAGE_SELF), time.time()
        for b in range(rows // batch):
            con.execute("BEGIN")
            con.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?)",
                            ((f"doc_{b:06d}{i:04d}", "col", fields, vectors, b)
                             for i in range(batch)))
            con.execute("COMMIT")
        if mode == "WAL":
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        wall, after = time.time() - start, resource.getrusage(resource.RUSAGE_SELF)
        con.close()
        user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
        print(f"{mode:8s} synchronous={sync:6s} cpu {user + system:.2f} s "
              f"(user {user:.2f}, sys {system:.2f})  wall {wall:.2f} s", flush=True)
    finally:
        shutil.rmtree(folder)


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    for _ in range(rounds):
        for mode, sync in MODES:
            os.sync()
            time.sleep(2)  # let the writeback of the previous run settle
            run(mode, sync, rows)


if __name__ == "__main__":
    main()
