"""Migrations survive SIGKILL (DESIGN.md §2 "Guarantees"): ferryd is killed with SIGKILL
at random points of a migration's life (setup, planning, mid-batch, finishing), restarted
on the same data dir each time, and the migration must resume and end with exactly the
source's contents: every source document has exactly one target document, nothing lost,
nothing duplicated, fields and vectors identical (copy), and the source unchanged.

The source: FERRY_CRASH_OBJECTS (default 10000) text objects, each made into one document
of "texts" and one of "restated" (chained to "texts"): 20 000 documents. A copy and then a
re_extract (text_extractor v1 -> v2) each take FERRY_CRASH_KILLS (default 10) kills; one
more lands while the source's bucket batches run (ferryd kills itself after a seeded number
of committed chunks, crash point ingest.chunk_written). The first kill of each migration is ferryd
killing itself at a crash point (FERRY_CRASH_POINTS, common/crash_points.h) inside a
transaction: the copy inside a bulk copy slice before its commit, the re_extract inside the
writer's fenced document write before its commit. The kill points come from a seeded RNG;
the seed is printed, and FERRY_CRASH_SEED=<seed> reruns a failure.

Every kill is accounted for: a kill hit the migration while it ran when the restarted
ferryd resumes it (it logs "resuming migration" from the state it found on disk); its stage
is the one the migration was running (read just before a SIGKILL; for a crash point, the
stage left in progress on disk). The test asserts how many kills hit each stage, so it
cannot pass with its kills landing before or after the batches.

Waiting is always polling a condition with a deadline. The only sleeps are the random
delays that ARE the kill points (to land a kill in the middle of a batch) and a short
pause between polls so the poller does not take a core from the server."""
import collections
import hashlib
import json
import os
import random
import signal
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import Ferryd, wait_until  # noqa: E402

BASE = "/v1/namespaces/migrations"
N_OBJECTS = int(os.environ.get("FERRY_CRASH_OBJECTS", "10000"))
KILLS = int(os.environ.get("FERRY_CRASH_KILLS", "10"))
SEED = int(os.environ.get("FERRY_CRASH_SEED") or random.SystemRandom().randrange(1 << 32))
POLL_PAUSE = 0.005
ITEMS_WAIT = 2.0  # seconds: the longest an "items" kill point waits in batch_processing
TERMINAL = ("completed", "failed", "cancelled")
WORDS = ["river", "ferry", "dawn", "dusk", "harbour", "rope", "deck", "tide", "gull", "oar",
         "lantern", "crossing", "pier", "current", "mist", "island"]


def log(msg):
    print("[crash %7.1fs] %s" % (time.monotonic() - T0, msg), file=sys.stderr, flush=True)


T0 = time.monotonic()


def poll(condition, what, timeout):
    """Returns condition()'s first truthy value; fails after `timeout` seconds."""
    return wait_until(condition, what, timeout, pause=POLL_PAUSE)


def stage_at(m):
    """The stage a migration is in: the last one in progress (a restart runs
    namespace_setup again while the interrupted stage stays in progress), else the first
    one not completed; "finished" once the migration ended."""
    if m["status"] in TERMINAL:
        return "finished"
    stages = m["progress"]["stages"]
    running = [s["stage"] for s in stages if s["status"] == "in_progress"]
    if running:
        return running[-1]
    return next((s["stage"] for s in stages if s["status"] != "completed"), "finished")


def logged(lines, msg, **fields):
    """How many JSON log lines have message `msg` and the given fields."""
    n = 0
    for line in lines:
        if line.startswith("{"):
            entry = json.loads(line)
            if entry.get("msg") == msg and all(entry.get(k) == v for k, v in fields.items()):
                n += 1
    return n


def map_id(migration_id, source_id):
    """The target id rule of a migration that does not preserve ids (common/ids.cc
    MapResourceId): a canonical id plus the migration's offset modulo 2^96, else a hash."""
    prefix, _, rest = source_id.partition("_")
    if not _:
        prefix, rest = "id", None
    if rest is not None and len(rest) == 24 and all(c in "0123456789abcdef" for c in rest):
        offset = int(hashlib.sha256(migration_id.encode()).hexdigest()[:24], 16)
        return prefix + "_" + "%024x" % ((int(rest, 16) + offset) % (1 << 96))
    return prefix + "_" + hashlib.sha256(
        (migration_id + "|" + source_id).encode()).hexdigest()[:24]


def text_of(i):
    rng = random.Random(i)
    return "Object %d. %s." % (i, " ".join(rng.choice(WORDS) for _ in range(12)))


def list_all(client, path, body=None):
    """Every item of a paginated list (pages of 1000, following the cursor)."""
    out, cursor = [], 0
    while True:
        page = client.post("%s?limit=1000&cursor=%d" % (path, cursor), body or {},
                           validate=False)[1]
        out.extend(page["results"])
        if len(page["results"]) < 1000:
            return out
        cursor += len(page["results"])


def dump_namespace(client, vectors):
    """{collection or bucket name: (resource, {id: item})}."""
    out = {}
    for col in client.post("/v1/collections/list?limit=100")[1]["results"]:
        docs = list_all(client, "/v1/collections/%s/documents/list" % col["collection_id"],
                        {"return_vectors": vectors})
        out["collection:" + col["collection_name"]] = (col, {d["document_id"]: d for d in docs})
    for b in client.post("/v1/buckets/list")[1]["results"]:
        objs = list_all(client, "/v1/buckets/%s/objects/list" % b["bucket_id"])
        out["bucket:" + b["bucket_name"]] = (b, {o["object_id"]: o for o in objs})
    return out


def digest(dump):
    return hashlib.sha256(json.dumps(dump, sort_keys=True).encode()).hexdigest()


class Cluster:
    """The one ferryd of the test, killed and restarted on the same data dir."""

    def __init__(self):
        self.server = Ferryd().start()
        self.kills = 0
        self.clients = {}  # by namespace, for the current process
        self.hits = collections.Counter()  # stage -> kills that hit the migration running it

    def api(self, namespace=None):
        if namespace not in self.clients:
            self.clients[namespace] = self.server.client(namespace=namespace)
        return self.clients[namespace]

    def close_clients(self):
        for c in self.clients.values():
            c.conn.close()
        self.clients = {}

    def crash_at(self, point):
        """Restarts ferryd armed to SIGKILL itself at `point` ("name=N": the N-th time the
        named crash point is reached, e.g. inside a bulk copy slice before its commit)."""
        self.close_clients()
        self.server.stop()
        self.server.env["FERRY_CRASH_POINTS"] = point
        self.server.start()

    def wait_crash_and_restart(self, point):
        """Waits for the armed ferryd to kill itself, then restarts it unarmed."""
        self.close_clients()
        rc = self.server.proc.wait(timeout=600)  # blocks on the process; no polling
        self.server.stop()
        assert rc == -signal.SIGKILL, "ferryd exited with %s, not at crash point %s" % (rc, point)
        self.kills += 1
        log("kill %d (crash point %s); restarting" % (self.kills, point))
        del self.server.env["FERRY_CRASH_POINTS"]
        self.server.start()

    def account(self, mid, stage):
        """Counts the kill just made as a hit at `stage` when the restarted ferryd resumed
        the migration (so it was running when killed); returns the stage or None."""
        if not logged(self.server.stderr_lines, "resuming migration", migration_id=mid):
            log("  kill %d did not hit migration %s (it had ended)" % (self.kills, mid))
            return None
        self.hits[stage] += 1
        log("  kill %d hit migration %s in %s" % (self.kills, mid, stage))
        return stage

    def kill_and_restart(self, why, mid=None):
        """SIGKILL and restart. With `mid`, the kill is accounted for (account); returns
        the stage it hit, or None."""
        before = self.api().get(BASE + "/" + mid, validate=False)[1] if mid else None
        self.close_clients()
        rc = self.server.stop(signal.SIGKILL)
        assert rc == -signal.SIGKILL, "ferryd exited with %s before the kill" % rc
        self.kills += 1
        log("kill %d (%s); restarting" % (self.kills, why))
        self.server.start()  # raises if ferryd cannot start on the killed data dir
        return self.account(mid, stage_at(before)) if mid else None

    def cleanup(self):
        self.close_clients()
        self.server.cleanup()


class SigkillResumeTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        log("seed %d (rerun with FERRY_CRASH_SEED=%d), %d objects, %d kills per migration"
            % (SEED, SEED, N_OBJECTS, KILLS))
        cls.cluster = Cluster()
        try:
            cls.build_source()
            cls.source_dump = dump_namespace(cls.cluster.api("crash-src"), vectors=True)
            cls.source_digest = digest(cls.source_dump)
            log("source dumped")
        except BaseException:
            cls.cluster.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.cluster.cleanup()

    @staticmethod
    def build_collections(c, version):
        """Bucket "notes" (text objects), collection "texts" over it and "restated" fed by
        "texts" (a chained collection: tier 2 of the migration)."""
        bucket = c.post("/v1/buckets", {"bucket_name": "notes", "bucket_schema": {
            "properties": {"content": {"type": "text"}}}})[1]
        texts = c.post("/v1/collections", {"collection_name": "texts",
            "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
            "feature_extractor": {"feature_extractor_name": "text_extractor",
                                  "version": version, "input_mappings": {"text": "content"}}})[1]
        status, _ = c.post("/v1/collections", {"collection_name": "restated",
            "source": {"type": "collection", "collection_id": texts["collection_id"]},
            "feature_extractor": {"feature_extractor_name": "text_extractor",
                                  "version": version, "input_mappings": {"text": "text"}}})
        assert status == 200, status

    @staticmethod
    def create_batches(c, ids):
        """Bucket batches of 5000 objects; their ids."""
        return [c.post("/v1/buckets/notes/batches", {"object_ids": ids[start:start + 5000]},
                       validate=False)[1]["batch_id"] for start in range(0, len(ids), 5000)]

    @classmethod
    def submit(cls, c, ids):
        """Submits the objects in bucket batches of 5000; their tasks."""
        return [c.post("/v1/buckets/notes/batches/%s/submit" % batch_id)[1]
                for batch_id in cls.create_batches(c, ids)]

    @staticmethod
    def wait_tasks(c, tasks):
        for task in tasks:
            got = poll(lambda: (lambda t: t if t["status"] in (
                "COMPLETED", "FAILED", "COMPLETED_WITH_ERRORS", "CANCELED") else None)(
                c.get("/v1/tasks/" + task["task_id"], validate=False)[1]),
                "ingest task %s" % task["task_id"], 600)
            assert got["status"] == "COMPLETED", got

    @classmethod
    def ingest(cls, c, ids):
        cls.wait_tasks(c, cls.submit(c, ids))

    @classmethod
    def build_source(cls):
        api = cls.cluster.api()
        status, _ = api.post("/v1/namespaces", {"namespace_name": "crash-src",
                                                "feature_extractors": [
            {"feature_extractor_name": "text_extractor", "version": "v1"}]})
        assert status == 200, status
        c = cls.cluster.api("crash-src")
        cls.build_collections(c, "v1")
        cls.object_ids = cls.create_objects(N_OBJECTS)
        log("%d objects created" % N_OBJECTS)
        batch_ids = cls.create_batches(c, cls.object_ids)
        # Bucket batches resume too: ferryd kills itself after the K-th chunk of documents
        # is committed (16 objects a chunk, two collections), K seeded and within the first
        # batch's share, so that batch is always cut short, whenever the others start.
        first_batch_chunks = 2 * -(-min(5000, N_OBJECTS) // 16)
        k = random.Random(SEED ^ 0x1A6E57).randint(1 + first_batch_chunks // 20,
                                                   first_batch_chunks - 1)
        point = "ingest.chunk_written=%d" % k
        cls.cluster.crash_at(point)
        c = cls.cluster.api("crash-src")
        for batch_id in batch_ids:
            try:
                c.post("/v1/buckets/notes/batches/%s/submit" % batch_id)
            except AssertionError:  # the connection was lost: ferryd killed itself already
                break
        cls.cluster.wait_crash_and_restart(point)
        resumed = logged(cls.cluster.server.stderr_lines, "resuming batch")
        log("  the restart resumed %d bucket batches" % resumed)
        assert resumed > 0, "the ingest kill hit no running bucket batch"
        c = cls.cluster.api("crash-src")
        tasks = []
        for batch_id in batch_ids:  # a submit the kill came before is sent now
            batch = c.get("/v1/buckets/notes/batches/" + batch_id)[1]
            if batch["task_id"] is None:
                batch = c.post("/v1/buckets/notes/batches/%s/submit" % batch_id)[1]
            tasks.append({"task_id": batch["task_id"]})
        c = cls.cluster.api("crash-src")
        cls.wait_tasks(c, tasks)
        for col in ("texts", "restated"):
            listed = c.post("/v1/collections/%s/documents/list?limit=1" % col)[1]
            assert listed["pagination"]["total"] == N_OBJECTS, (col, listed)
        log("source collections built: %d documents" % (2 * N_OBJECTS))

    @classmethod
    def create_objects(cls, n):
        """Creates n text objects over 4 keep-alive connections in parallel."""
        ids = [None] * n
        errors = []

        def work(part):
            c = cls.cluster.server.client(namespace="crash-src")  # one connection each
            try:
                for i in range(part, n, 4):
                    status, obj = c.post("/v1/buckets/notes/objects", {"blobs": [
                        {"property": "content", "type": "text", "data": text_of(i)}]},
                        validate=i < 4)
                    if status != 200:
                        raise AssertionError("object %d: %s %s" % (i, status, obj))
                    ids[i] = obj["object_id"]
            except BaseException as e:  # reported by the main thread
                errors.append(e)
            finally:
                c.conn.close()

        threads = [threading.Thread(target=work, args=(p,)) for p in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        return ids

    # --- the migration under fire ---------------------------------------------------

    def kill_plan(self, rng):
        """KILLS points spread over a migration's life, in the order they can happen."""
        n_early = 1 + (rng.random() < 0.5)
        n_items = max(0, KILLS - n_early - 1)
        plan = [("early", rng.uniform(0.0, 0.3)) for _ in range(n_early)]
        plan += [("items", f, rng.uniform(0.0, 0.05))
                 for f in sorted(rng.uniform(0.02, 0.97) for _ in range(n_items))]
        plan.append(("late", rng.uniform(0.0, 0.1)))
        return plan[:KILLS]

    def migration(self, mid):
        return self.cluster.api().get(BASE + "/" + mid, validate=False)[1]

    def wait_kill_point(self, mid, point, observed):
        """Polls until `point` is reached; False when the migration finished first. An
        "items" point (fraction f) is reached while batch_processing runs, once f of its
        items are done or after f * ITEMS_WAIT seconds of it (the published count can stay
        put for a whole tier of a bulk copy); when the stage ended first, at once."""
        kind = point[0]
        stage_of = lambda m, name: next(s for s in m["progress"]["stages"] if s["stage"] == name)
        running_since = []

        def reached():
            m = self.migration(mid)
            observed.append(m)
            if m["status"] in TERMINAL:
                return "finished"
            bp = stage_of(m, "batch_processing")
            if kind == "items":
                if bp["status"] == "completed":
                    return "reached"  # too late for the batches: the kill lands after them
                total = bp["items_total"]
                if bp["status"] != "in_progress" or total == 0:
                    return None
                running_since[:] = running_since or [time.monotonic()]
                return (bp["items_completed"] >= point[1] * total or
                        time.monotonic() - running_since[0] >= point[1] * ITEMS_WAIT) and \
                    "reached"
            if kind == "late":
                return bp["status"] == "completed" and "reached"
            return "reached"

        if poll(reached, "kill point %s" % (point,), 600) == "finished":
            return False
        time.sleep(point[-1])  # the random delay that places the kill (mid-batch, say)
        return True

    def run_under_fire(self, config, rng, crash_point=None):
        """Runs a migration under the seeded kill plan. With `crash_point`, the first kill is
        ferryd killing itself at that crash point (an exact place inside a transaction)."""
        if crash_point:
            self.cluster.crash_at(crash_point)
        api = self.cluster.api()
        m = api.post(BASE + "/", {"config": config})
        self.assertEqual(m[0], 201, m[1])
        mid = m[1]["migration_id"]
        started = api.post(BASE + "/%s/start" % mid, {"force": True})
        self.assertEqual(started[0], 200, started[1])
        plan = self.kill_plan(rng)
        log("migration %s (%s): kill plan %s" % (mid, config["migration_type"], plan))
        observed = []
        hits_before = collections.Counter(self.cluster.hits)
        if crash_point:
            self.cluster.wait_crash_and_restart(crash_point)
            observed.append(self.migration(mid))
            # The crash points are inside the writes of batch_processing.
            self.assertEqual(self.cluster.account(mid, stage_at(observed[-1])),
                             "batch_processing", "the crash point did not hit the batches")
        after_batches = 0  # kills aimed at the batches' tail or later: they may miss the run
        for point in plan:
            if not self.wait_kill_point(mid, point, observed):
                # Still a kill: a finished migration must stay finished across a crash.
                self.cluster.kill_and_restart("%s, after the migration finished" % (point,),
                                              mid)
                after_batches += 1
                break
            m = observed[-1]
            bp = m["progress"]["stages"][2]
            # Aimed at the batches' tail (or past them): the last few slices and the
            # finalization can end before the kill lands, tens of ms later.
            after_batches += (bp["status"] == "completed" or
                              bp["items_completed"] >= 0.9 * max(1, bp["items_total"]))
            self.cluster.kill_and_restart("%s at stage %s, batch_processing %d/%d" % (
                point, m["progress"]["current_stage"],
                m["progress"]["stages"][2]["items_completed"],
                m["progress"]["stages"][2]["items_total"]), mid)
        self.check_hits(plan, self.cluster.hits - hits_before, crash_point, after_batches)
        final = poll(lambda: (lambda got: got if got["status"] in TERMINAL else None)(
            self.migration(mid)), "migration %s to finish" % mid, 600)
        observed.append(final)
        final = self.assertStatus(self.cluster.api().get(BASE + "/" + mid), 200)
        log("migration %s %s after %d kills in all" % (mid, final["status"], self.cluster.kills))
        self.check_progress(final, observed)
        return final

    def check_hits(self, plan, hits, crash_point, after_batches):
        """Where the kills of one migration landed: the batches took the crash point and
        most of the planned mid-batch kills (a late one may land past them), and every kill
        aimed while the batches ran hit the migration. Kills aimed after the batches (the
        "late" one, and a mid-batch one whose batches were done or had less than a tenth of
        their items left) may land after the migration's end: a faster run must not fail
        the test."""
        log("kills that hit the running migration, by stage: %s" % dict(hits))
        n_items = sum(1 for p in plan if p[0] == "items")
        self.assertGreaterEqual(hits["batch_processing"], (1 if crash_point else 0) +
                                (n_items + 1) // 2, hits)
        self.assertGreaterEqual(sum(hits.values()),
                                len(plan) - max(1, after_batches) + (1 if crash_point else 0),
                                hits)

    def assertStatus(self, result, status):
        self.assertEqual(result[0], status, json.dumps(result[1])[:2000])
        return result[1]

    def check_progress(self, final, observed):
        self.assertEqual(final["status"], "completed", final["error_message"])
        self.assertTrue(final["additional_data"]["verification"]["ok"],
                        final["additional_data"]["verification"])
        for stage in final["progress"]["stages"]:
            self.assertEqual(stage["status"], "completed", stage)
            self.assertEqual(stage["items_failed"], 0, stage)
            self.assertEqual(stage["items_completed"], stage["items_total"], stage)
        plan = final["additional_data"]["plan"]
        self.assertEqual(final["progress"]["stages"][2]["items_total"], plan["items"])
        for r in final["progress"]["resources"]:
            self.assertEqual(r["status"], "completed", r)
        # Progress never goes backwards, across restarts too.
        percents = [m["progress"]["overall_progress_percent"] for m in observed]
        self.assertEqual(percents, sorted(percents), "overall progress must be monotonic")
        done = [m["progress"]["stages"][2]["items_completed"] for m in observed
                if m["progress"]["stages"][2]["status"] in ("in_progress", "completed")]
        self.assertEqual(done, sorted(done), "batch_processing items_completed went backwards")

    def target_dump(self, final, vectors):
        return dump_namespace(self.cluster.api(final["additional_data"]["target_namespace_id"]),
                              vectors)

    # --- copy: the target is the source, id for id ------------------------------------

    def expected_copy(self, mid, doc, target_ns):
        d = json.loads(json.dumps(doc))
        m = lambda i: map_id(mid, i) if i else i
        d["document_id"] = d["_internal"]["document_id"] = m(doc["document_id"])
        d["collection_id"] = d["_internal"]["collection_id"] = m(doc["collection_id"])
        d["_internal"]["namespace_id"] = target_ns
        lin = d["_internal"]["lineage"]
        for k in ("root_object_id", "root_bucket_id", "source_object_id", "source_document_id",
                  "source_collection_id"):
            lin[k] = m(lin[k])
        lin["path"] = "/".join(m(p) for p in lin["path"].split("/")) if lin["path"] else ""
        return d

    def expected_object(self, mid, obj):
        o = json.loads(json.dumps(obj))
        o["object_id"] = map_id(mid, obj["object_id"])
        o["bucket_id"] = map_id(mid, obj["bucket_id"])
        for source in o.get("source_details") or []:
            if source.get("source_id") == obj["bucket_id"]:
                source["source_id"] = o["bucket_id"]
        return o

    def check_copy(self, final):
        mid = final["migration_id"]
        target_ns = final["additional_data"]["target_namespace_id"]
        target = self.target_dump(final, vectors=True)
        self.assertEqual(sorted(target), sorted(self.source_dump))
        n_docs = 0
        for name, (resource, items) in self.source_dump.items():
            got = target[name][1]
            self.assertEqual(len(got), len(items), name)
            for sid, item in items.items():
                if name.startswith("collection:"):
                    want = self.expected_copy(mid, item, target_ns)
                    n_docs += 1
                else:
                    want = self.expected_object(mid, item)
                tid = want.get("document_id") or want["object_id"]
                self.assertIn(tid, got, "%s: %s was lost" % (name, sid))
                self.assertEqual(got[tid], want, "%s: %s differs" % (name, sid))
        self.assertGreaterEqual(n_docs, 2 * N_OBJECTS)

    # --- re_extract: every root object rebuilt exactly once ---------------------------

    def reference_vectors(self, sample):
        """v2 vectors of the sample objects' texts, made by an uninterrupted ingest into a
        scratch namespace: {(collection name, object index): vector}."""
        api = self.cluster.api()
        self.assertEqual(api.post("/v1/namespaces", {"namespace_name": "crash-ref",
                                                     "feature_extractors": [
            {"feature_extractor_name": "text_extractor", "version": "v2"}]})[0], 200)
        c = self.cluster.api("crash-ref")
        self.build_collections(c, "v2")
        index = {}
        for i in sample:
            obj = c.post("/v1/buckets/notes/objects", {"blobs": [
                {"property": "content", "type": "text", "data": text_of(i)}]})[1]
            index[obj["object_id"]] = i
        self.ingest(c, list(index))
        out = {}
        for name, (_, docs) in dump_namespace(c, vectors=True).items():
            for d in docs.values() if name.startswith("collection:") else ():
                i = index[d["_internal"]["lineage"]["root_object_id"]]
                out[(name, i)] = d["text_extractor_v2_embedding"]
        return out

    def check_re_extract(self, final, rng):
        mid = final["migration_id"]
        target_client = self.cluster.api(final["additional_data"]["target_namespace_id"])
        target = dump_namespace(target_client, vectors=False)
        object_index = {map_id(mid, oid): i for i, oid in enumerate(self.object_ids)}
        sample = sorted(rng.sample(range(N_OBJECTS), 40))
        reference = self.reference_vectors(sample)
        for name in ("collection:texts", "collection:restated"):
            source_docs = self.source_dump[name][1]
            col, got = target[name]
            by_root = {}
            for d in got.values():
                by_root.setdefault(d["_internal"]["lineage"]["root_object_id"], []).append(d)
                self.assertEqual(d["_internal"]["metadata"]["ingestion_status"], "COMPLETED")
                feats = d["_internal"]["features"]
                self.assertEqual([(f["feature_uri"], f["dimensions"]) for f in feats],
                                 [("mixpeek://text_extractor@v2/embedding", 384)], d)
            self.assertEqual(len(got), len(source_docs), name)
            for sid, s in source_docs.items():
                root = map_id(mid, s["_internal"]["lineage"]["root_object_id"])
                docs = by_root.get(root, [])
                self.assertEqual(len(docs), 1, "%s: root of %s has %d documents"
                                 % (name, sid, len(docs)))
                self.assertEqual(docs[0]["text"], s["text"], name)
            # Vectors: a sample, against what v2 makes of the same text undisturbed.
            for root, docs in by_root.items():
                i = object_index[root]
                if i not in sample:
                    continue
                d = target_client.get("/v1/collections/%s/documents/%s?return_vectors=true"
                                      % (col["collection_id"], docs[0]["document_id"]))[1]
                self.assertEqual(d["text_extractor_v2_embedding"], reference[(name, i)],
                                 "%s: vector of object %d" % (name, i))
        objects = self.source_dump["bucket:notes"][1]
        self.assertEqual(sorted(target["bucket:notes"][1]),
                         sorted(map_id(mid, o) for o in objects))

    def test_copy_and_re_extract_survive_sigkill(self):
        rng = random.Random(SEED)
        final = self.run_under_fire({
            "migration_type": "copy", "source_namespace_id": "crash-src",
            "batch_options": {"batch_size": 250, "max_workers": 2}}, rng,
            crash_point="bulk_copy.before_commit=%d" % rng.randint(2, 40))
        self.check_copy(final)
        log("copy verified document by document")
        final = self.run_under_fire({
            "migration_type": "re_extract", "source_namespace_id": "crash-src",
            "feature_extractors": [{"feature_extractor_name": "text_extractor",
                                    "version": "v2"}],
            "batch_options": {"batch_size": 250, "max_workers": 2}}, rng,
            crash_point="fenced_write.before_commit=%d" % rng.randint(2, 40))
        self.check_re_extract(final, rng)
        log("re_extract verified")
        after = dump_namespace(self.cluster.api("crash-src"), vectors=True)
        self.assertEqual(digest(after), self.source_digest, "the source namespace changed")
        log("source unchanged")


if __name__ == "__main__":
    unittest.main()
