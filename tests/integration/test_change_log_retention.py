"""Change-log retention (issue 13 §2): a namespace's change-log entries are trimmed only
when no migration needs them AND they are older than change_log_retention_seconds.
Time is driven through the configuration: with a retention of an hour nothing written by
the test is old enough, with 0 everything is. Passes of the trimmer (every 20 ms here)
are read from ferryd's debug log, so "after two more passes" is a condition awaited, not
a sleep. The log itself is read from the storage (SQLite file or PostgreSQL table)."""
import json
import os
import sqlite3
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import Ferryd, FerryTestCase, storage_url_for, wait_until  # noqa: E402

TEXT = [{"feature_extractor_name": "text_extractor", "version": "v1"}]
SCHEMA = {"properties": {"content": {"type": "text"}}}


def server_args(retention):
    return ["--change-log-retention-seconds", str(retention),
            "--change-log-trim-interval-ms", "20", "--log-level", "debug"]


class ChangeLogRetentionTest(FerryTestCase):
    server_args = server_args(3600)

    def seqs(self, namespace_id):
        """The sequence numbers in a namespace's change log, ascending."""
        storage = storage_url_for(self.server.data_dir)
        if storage is None:
            path = os.path.join(self.server.data_dir, "ns", namespace_id + ".db")
            with sqlite3.connect("file:%s?mode=ro" % path, uri=True) as db:
                return [r[0] for r in db.execute("SELECT seq FROM change_log ORDER BY seq")]
        out = subprocess.run(["psql", storage, "-At", "-v", "ON_ERROR_STOP=1", "-c",
                              "SELECT seq FROM ferry.change_log WHERE namespace_id = '%s' "
                              "ORDER BY seq" % namespace_id],
                             capture_output=True, text=True, check=True)
        return [int(x) for x in out.stdout.split()]

    def passes(self):
        """The number of the last trim pass ferryd logged (0 before the first)."""
        last = 0
        for line in list(self.server.stderr_lines):
            if '"change log trim pass"' in line:
                last = max(last, int(json.loads(line)["pass"]))
        return last

    def two_more_passes(self):
        """Waits until a pass that started after this call has ended."""
        start = self.passes()
        wait_until(lambda: self.passes() >= start + 2, "two more change-log trim passes")

    def namespace_with_objects(self, name, n):
        self.assertStatus(self.api.post("/v1/namespaces", {"namespace_name": name,
                                                           "feature_extractors": TEXT}), 200)
        c = self.server.client(namespace=name)
        self.assertStatus(c.post("/v1/buckets", {"bucket_name": "b", "bucket_schema": SCHEMA}),
                          200)
        for i in range(n):
            self.add_object(c, "object %d" % i)
        return c, c.get("/v1/namespaces/" + name)[1]["namespace_id"]

    def add_object(self, c, text):
        self.assertStatus(c.post("/v1/buckets/b/objects", {"blobs": [
            {"property": "content", "type": "text", "data": text}]}), 200)

    def restart(self, retention):
        self.server.stop()
        self.server = Ferryd(data_dir=self.server.data_dir, extra_args=server_args(retention))
        self.server.owns_dir = True
        self.server.start()
        type(self).server = self.server
        self.api = self.server.client()

    def test_entries_go_only_when_unneeded_and_older_than_the_retention(self):
        keep, keep_id = self.namespace_with_objects("unwatched", 3)
        src, src_id = self.namespace_with_objects("watched", 2)
        created = self.assertStatus(self.api.post("/v1/namespaces/migrations/", {
            "config": {"migration_type": "copy", "source_namespace_id": "watched"},
            "start_immediately": True}), 201)
        migration_id = created["migration_id"]
        m = self.wait_migration(migration_id)
        self.assertEqual(m["additional_data"]["live"]["source_seq_at_start"], 2)
        self.add_object(src, "after the migration started")
        self.add_object(src, "and another")

        # Retention of an hour: nothing is old enough, needed or not.
        self.two_more_passes()
        self.assertEqual(self.seqs(keep_id), [1, 2, 3])
        self.assertEqual(self.seqs(src_id), [1, 2, 3, 4])

        # Retention 0: everything is old enough. What no migration needs goes; the
        # completed copy (not cut over) still needs what came after its start.
        self.restart(0)
        wait_until(lambda: self.seqs(keep_id) == [], "the unwatched namespace's log trimmed")
        wait_until(lambda: self.seqs(src_id) == [3, 4], "the watched log trimmed to seq 2")
        self.two_more_passes()
        self.assertEqual(self.seqs(src_id), [3, 4])

        # Once no migration needs them, they go too; new entries keep their numbers.
        self.assertEqual(self.api.delete("/v1/namespaces/migrations/" + migration_id)[0], 204)
        wait_until(lambda: self.seqs(src_id) == [], "the watched log trimmed")
        self.add_object(self.server.client(namespace="watched"), "later")
        wait_until(lambda: self.seqs(src_id) == [], "the later entry trimmed")
        got = self.assertStatus(self.api.get("/v1/namespaces/watched"), 200)
        self.assertEqual(got["object_count"], 5)


if __name__ == "__main__":
    unittest.main()
