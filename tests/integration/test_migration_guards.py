"""The guards around a migration's namespaces, over HTTP (issue 10, defects 2-7).

- Client-supplied ids follow the id grammar: validate and create answer 422 with the
  field's loc for a target_namespace_id such as "../../x" or a filter id such as "a/b".
- The source and the target of a running migration cannot be deleted: 409 Conflict,
  naming the migration.
- Two migrations cannot claim one target: the second start is refused before it writes
  anything, and a taken target id reads the same to every organization.
- Starting an unknown migration is 404 NotFound.
- The target Ferry generates is in the config from creation (GET and list; the create
  answer has no config in the spec).
- List accepts the source namespace's name as create does.
- No response body and no log line contains the server's data directory, also when a
  namespace's data cannot be opened.

Runs ferryd_testing: its fault_extractor holds every text marked "[hold:NAME]" while the
file NAME exists in FERRYD_TEST_FAULT_DIR, so a migration is certainly running when the
test acts on it. Every JSON response is checked against ferryd's OpenAPI schema (harness).
"""
import os
import subprocess
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import Ferryd, storage_url_for, wait_task, wait_until  # noqa: E402

BASE = "/v1/namespaces/migrations"
TEXT = [{"feature_extractor_name": "text_extractor", "version": "v1"}]
FAULT = [{"feature_extractor_name": "fault_extractor", "version": "v1"}]
ACTIVE = ("validating", "pending", "in_progress")


class PathCheckingClient:
    """A harness client that records every response body, for the data-dir check."""

    def __init__(self, client, bodies):
        self.client = client
        self.bodies = bodies

    def call(self, method, path, body=None, **kw):
        status, parsed = self.client.call(method, path, body, **kw)
        self.bodies.append((method, path, status, parsed))
        return status, parsed

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def openapi(self):
        return self.client.openapi()

    def post(self, path, body=None, **kw):
        return self.call("POST", path, {} if body is None else body, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)


class MigrationGuardsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.faults = tempfile.mkdtemp(prefix="ferry_guard_faults_")
        cls.gate = os.path.join(cls.faults, "gate")
        cls.server = Ferryd(env={"FERRYD_TEST_FAULT_DIR": cls.faults}).start()
        cls.bodies = []
        cls.api = cls.client()
        cls.source_id = cls.make_source("gsrc")

    @classmethod
    def tearDownClass(cls):
        if os.path.exists(cls.gate):
            os.remove(cls.gate)  # never leave an extraction held
        cls.server.cleanup()
        shutil.rmtree(cls.faults, ignore_errors=True)

    def tearDown(self):
        if os.path.exists(self.gate):
            os.remove(self.gate)

    @classmethod
    def client(cls, key=None, namespace=None):
        c = cls.server.client(namespace=namespace) if key is None else cls.server.client(
            key=key, namespace=namespace)
        return PathCheckingClient(c, cls.bodies)

    @classmethod
    def make_source(cls, name, objects=4):
        status, ns = cls.api.post("/v1/namespaces", {"namespace_name": name,
                                                     "feature_extractors": TEXT})
        assert status == 200, ns
        c = cls.client(namespace=name)
        status, bucket = c.post("/v1/buckets", {"bucket_name": "docs", "bucket_schema": {
            "properties": {"content": {"type": "text"}}}})
        assert status == 200, bucket
        status, col = c.post("/v1/collections", {
            "collection_name": "texts",
            "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1"}})
        assert status == 200, col
        ids = []
        for i in range(objects):
            status, body = c.post("/v1/buckets/docs/objects", {"blobs": [
                {"property": "content", "type": "text", "data": "item %d [hold:gate]" % i}]})
            assert status == 200, body
            ids.append(body["object_id"])
        status, batch = c.post("/v1/buckets/docs/batches", {"object_ids": ids})
        assert status == 200, batch
        status, task = c.post("/v1/buckets/docs/batches/%s/submit" % batch["batch_id"])
        assert status == 200, task
        wait_task(c, task["task_id"])
        return ns["namespace_id"]

    def other_org(self, org):
        return self.client(key=self.server.create_key(org))

    def config(self, **extra):
        cfg = {"migration_type": "copy", "source_namespace_id": "gsrc"}
        cfg.update(extra)
        return cfg

    def create(self, config, status=201, **body):
        body["config"] = config
        got_status, got = self.api.post(BASE + "/", body)
        self.assertEqual(got_status, status, got)
        return got

    def get(self, mid):
        status, body = self.api.get(BASE + "/" + mid)
        self.assertEqual(status, 200, body)
        return body

    def wait_end(self, mid, want="completed"):
        def ended():
            got = self.get(mid)
            return got["status"] not in ACTIVE and got
        got = wait_until(ended, "migration %s to end" % mid)
        self.assertEqual(got["status"], want, got)
        return got

    def start_held(self, config):
        """Starts an extend migration whose extractions wait at the gate; returns it once
        batch_processing runs (the target exists, workers are held inside a batch)."""
        open(self.gate, "w").close()
        config = dict(config, migration_type="extend", feature_extractors=FAULT,
                      batch_options={"batch_size": 2, "max_workers": 1})
        m = self.create(config, start_immediately=True)
        mid = m["migration_id"]

        def processing():
            got = self.get(mid)
            self.assertIn(got["status"], ACTIVE, got)
            stage = got["progress"]["stages"][2]
            return stage["status"] == "in_progress" and got
        return wait_until(processing, "batch_processing of %s to run" % mid)

    def release(self, mid):
        os.remove(self.gate)
        return self.wait_end(mid)

    def assertLoc(self, body, loc, type_=None):
        locs = [d["loc"] for d in body["detail"]]
        self.assertIn(loc, locs, body)
        if type_ is not None:
            self.assertIn(type_, [d["type"] for d in body["detail"] if d["loc"] == loc])

    # --- 2. ids follow the grammar -------------------------------------------------------

    def test_ids_outside_the_grammar_are_422_on_validate_and_create(self):
        status, before = self.api.post(BASE + "/list", {})
        self.assertEqual(status, 200, before)
        for bad in ("../../x", "a/b", "a b", "x" * 129):
            for path, body in ((BASE + "/validate", {"config": self.config(
                    target_namespace_id=bad)}),
                               (BASE + "/", {"config": self.config(target_namespace_id=bad)})):
                with self.subTest(path=path, id=bad):
                    status, got = self.api.post(path, body)
                    self.assertEqual(status, 422, got)
                    # (a length limit of the decoder may answer first for the long one)
                    self.assertLoc(got, ["body", "config", "target_namespace_id"],
                                   "string_pattern_mismatch" if len(bad) <= 128 else None)
        status, got = self.api.post(BASE + "/validate", {"config": self.config(
            filters={"collection_ids": ["col_fine", "../c"]}, target_namespace_name="a/b",
            source_namespace_id="../gsrc")})
        self.assertEqual(status, 422, got)
        self.assertLoc(got, ["body", "config", "filters", "collection_ids", 1])
        self.assertLoc(got, ["body", "config", "target_namespace_name"])
        self.assertLoc(got, ["body", "config", "source_namespace_id"])
        status, after = self.api.post(BASE + "/list", {})
        self.assertEqual(after["total"], before["total"])  # nothing was created

    # --- 5. unknown start ----------------------------------------------------------------

    def test_start_of_an_unknown_migration_is_not_found(self):
        for path in (BASE + "/mig_000000000000000000000000/start", BASE + "/nope/start"):
            status, body = self.api.post(path, {})
            self.assertEqual(status, 404, body)
            self.assertEqual(body["error"]["type"], "NotFound", body)

    # --- 6. the generated target is in the config ---------------------------------------

    def test_generated_target_is_in_the_config_from_creation(self):
        # The create answer carries no config (spec); the GET right after it does.
        mid = self.create(self.config())["migration_id"]
        created = self.get(mid)
        cfg = created["config"]
        self.assertTrue(cfg["target_namespace_id"], created)
        self.assertTrue(cfg["target_namespace_name"].startswith("gsrc-copy-"), created)
        self.assertEqual(cfg["target_namespace_id"],
                         created["additional_data"]["target_namespace_id"])
        self.assertEqual(cfg["target_namespace_name"],
                         created["additional_data"]["target_namespace_name"])
        status, listed = self.api.post(BASE + "/list", {"source_namespace_id": self.source_id})
        self.assertEqual(status, 200, listed)
        mine = [m for m in listed["results"] if m["migration_id"] == mid]
        self.assertEqual(len(mine), 1, listed)
        self.assertEqual(mine[0]["config"]["target_namespace_id"], cfg["target_namespace_id"])
        status, started = self.api.post(BASE + "/%s/start" % mid, {})
        self.assertEqual(status, 200, started)
        done = self.wait_end(mid)
        self.assertEqual(done["config"]["target_namespace_id"], cfg["target_namespace_id"])
        self.assertEqual(done["config"]["target_namespace_name"], cfg["target_namespace_name"])
        status, ns = self.api.get("/v1/namespaces/" + cfg["target_namespace_id"])
        self.assertEqual(status, 200, ns)
        self.assertEqual(ns["namespace_name"], cfg["target_namespace_name"])
        # Created with start_immediately: the same from the first read.
        now = self.get(self.create(self.config(), start_immediately=True)["migration_id"])
        self.assertTrue(now["config"]["target_namespace_id"], now)
        self.assertEqual(now["config"]["target_namespace_id"],
                         now["additional_data"]["target_namespace_id"])
        self.wait_end(now["migration_id"])

    # --- 7. list accepts a name -----------------------------------------------------------

    def test_list_accepts_the_source_name_as_create_does(self):
        self.make_source("glist", objects=1)
        mid = self.create(self.config(source_namespace_id="glist"))["migration_id"]
        for ident in ("glist", self.get(mid)["config"]["source_namespace_id"]):
            with self.subTest(ident=ident):
                status, listed = self.api.post(BASE + "/list", {"source_namespace_id": ident})
                self.assertEqual(status, 200, listed)
                self.assertEqual([m["migration_id"] for m in listed["results"]], [mid])
                self.assertEqual(listed["total"], 1)
        status, none = self.api.post(BASE + "/list", {"source_namespace_id": "no-such-ns"})
        self.assertEqual(status, 200, none)
        self.assertEqual(none["total"], 0)

    # --- 3 and 4: a running migration's namespaces ---------------------------------------

    def test_running_migration_holds_its_source_and_target(self):
        self.make_source("gheld", objects=4)
        running = self.start_held(self.config(source_namespace_id="gheld",
                                              target_namespace_id="ns_guarded",
                                              target_namespace_name="guarded"))
        mid = running["migration_id"]
        for ident in ("gheld", "ns_guarded", "guarded"):
            with self.subTest(namespace=ident):
                status, body = self.api.delete("/v1/namespaces/" + ident)
                self.assertEqual(status, 409, body)
                self.assertEqual(body["error"]["type"], "Conflict", body)
                self.assertIn(mid, body["error"]["message"])

        # A second migration to the same target: refused at start, before writing.
        status, refused = self.api.post(BASE + "/", {"config": self.config(
            target_namespace_id="ns_guarded")})
        self.assertEqual(status, 201, refused)
        self.assertFalse(refused["validation_result"]["valid"], refused)
        messages = [e["msg"] for e in refused["validation_result"]["errors"]]
        self.assertIn("target_namespace_id 'ns_guarded' is not available", messages)
        status, body = self.api.post(BASE + "/%s/start" % refused["migration_id"], {})
        self.assertIn(status, (400, 409), body)
        self.assertIn("target_namespace_id 'ns_guarded' is not available",
                      body["error"]["message"])
        self.assertEqual(self.get(refused["migration_id"])["status"], "draft")

        # Another organization gets the very same answer for the claimed id and for an
        # id of an existing namespace of this organization.
        other = self.other_org("guards-other")
        status, _ = other.post("/v1/namespaces", {"namespace_name": "osrc",
                                                  "feature_extractors": TEXT})
        self.assertEqual(status, 200)
        for taken in ("ns_guarded", self.source_id):
            status, got = other.post(BASE + "/validate", {"config": {
                "migration_type": "copy", "source_namespace_id": "osrc",
                "target_namespace_id": taken}})
            self.assertEqual(status, 200, got)
            self.assertFalse(got["validation_result"]["valid"], got)
            self.assertIn("target_namespace_id '%s' is not available" % taken,
                          [e["msg"] for e in got["validation_result"]["errors"]])

        done = self.release(mid)
        self.assertEqual(done["config"]["target_namespace_id"], "ns_guarded")
        # The claim ended with the run; the namespace itself now holds the id.
        status, got = self.api.post(BASE + "/validate", {"config": self.config(
            target_namespace_id="ns_guarded")})
        self.assertFalse(got["validation_result"]["valid"], got)
        status, body = self.api.delete("/v1/namespaces/ns_guarded")
        self.assertEqual(status, 200, body)
        status, got = self.api.post(BASE + "/validate", {"config": self.config(
            target_namespace_id="ns_guarded")})
        self.assertTrue(got["validation_result"]["valid"], got)

    # --- 3. no server paths in messages --------------------------------------------------

    def test_no_response_or_log_names_the_data_directory(self):
        # A failure that reaches storage: a namespace whose data cannot be opened (its file
        # replaced by a directory; on PostgreSQL, its data row gone).
        name = "gbroken"
        status, ns = self.api.post("/v1/namespaces", {"namespace_name": name,
                                                      "feature_extractors": TEXT})
        self.assertEqual(status, 200, ns)
        self.server.stop()
        logs = self.server.remaining_stderr.splitlines()
        storage = storage_url_for(self.server.data_dir)
        if storage:
            subprocess.run(["psql", storage, "-q", "-v", "ON_ERROR_STOP=1", "-c",
                            "DELETE FROM ferry.namespace_data WHERE namespace_id = '%s'"
                            % ns["namespace_id"]], check=True, capture_output=True)
        else:
            db = os.path.join(self.server.data_dir, "ns", ns["namespace_id"] + ".db")
            os.remove(db)
            os.mkdir(db)  # a directory where the database file should be
        self.server.start()
        type(self).api = self.client()
        status, body = self.api.get("/v1/namespaces/" + name)
        self.assertGreaterEqual(status, 400, body)
        status, body = self.api.post(BASE + "/validate", {"config": self.config(
            source_namespace_id=name)})
        self.assertGreaterEqual(status, 400, body)
        data_dir = os.path.realpath(self.server.data_dir)
        secrets = {data_dir, self.server.data_dir} | ({storage} if storage else set())
        for method, path, status, body in self.bodies:
            text = repr(body)
            for d in secrets:
                self.assertNotIn(d, text, "%s %s answered %d: %s" % (method, path, status, text))
        logs += self.server.stderr_lines
        for line in logs:
            for d in secrets:
                self.assertNotIn(d, line)


if __name__ == "__main__":
    unittest.main()
