"""A zero-downtime migration end to end (issue 13): a writer thread keeps creating,
re-processing and deleting objects and patching and deleting documents in the source
while a re_extract runs and then while a following sync runs; cutover; the target (now
holding the source's name) must equal the source's final state: the same objects, every
rebuilt document exactly what a fresh re_extract of the final source derives, the copied
collection's documents as in the source, deleted items absent, and a retriever addressed
through the name searching the target. Then writes to the target, rollback, and the
reverse check. Every response is validated against /openapi.json."""
import json
import os
import random
import sys
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import FerryTestCase, b64_file, wait_task, wait_until  # noqa: E402

BASE = "/v1/namespaces/migrations"
NAME = "shop"
V2 = "text_extractor_v2_embedding"
V1 = "text_extractor_v1_embedding"
SEARCH = {"stage_name": "search", "stage_type": "filter",
          "config": {"stage_id": "feature_search", "parameters": {
              "searches": [{"feature_uri": "mixpeek://text_extractor@v1/embedding", "top_k": 50,
                            "query": {"input_mode": "text", "text": "{{inputs.query}}"}}],
              "final_top_k": 5}}}


def text(i):
    return "item %d: ferries carry %s across the %s" % (
        i, random.choice(["boats", "cars", "people", "bikes"]),
        random.choice(["river", "bay", "sound", "strait"]))


class Writer(threading.Thread):
    """Writes to the namespace named NAME until stopped, the way a client does: by name.
    A write refused with 409 and Retry-After (a cutover's pause) is retried."""

    def __init__(self, server, start_at):
        super().__init__(daemon=True)
        self.c = server.client(namespace=NAME)
        self.next = start_at
        self.stop_flag = threading.Event()
        self.paused = 0
        self.errors = []
        self.writes = 0
        self.tasks = []

    def call(self, method, path, body=None):
        for _ in range(50):
            status, data, headers = self.c.raw(
                method, path, json.dumps(body) if body is not None else None,
                {"Authorization": "Bearer " + self.c.key, "X-Namespace": NAME,
                 "Content-Type": "application/json"})
            if status == 409 and "Retry-After" in headers:
                self.paused += 1
                self.stop_flag.wait(0.05)  # back off before retrying the paused write
                continue
            return status, json.loads(data) if data else None
        return status, None

    def step(self):
        r = random.random()
        if r < 0.45:
            st, obj = self.call("POST", "/v1/buckets/items/objects", {"blobs": [
                {"property": "content", "type": "text", "data": text(self.next)}]})
            self.next += 1
            if st != 200:
                return "create object: %d %s" % (st, obj)
            st, batch = self.call("POST", "/v1/buckets/items/batches",
                                  {"object_ids": [obj["object_id"]]})
            if st != 200:
                return "create batch: %d %s" % (st, batch)
            st, task = self.call("POST", "/v1/buckets/items/batches/%s/submit" % batch["batch_id"])
            if st != 200:
                return "submit: %d %s" % (st, task)
            self.tasks.append(task["task_id"])
            return None
        st, page = self.call("POST", "/v1/buckets/items/objects/list?limit=200", {})
        if st != 200 or not page["results"]:
            return None
        victim = random.choice(page["results"])["object_id"]
        if r < 0.6:
            st, _ = self.call("DELETE", "/v1/buckets/items/objects/" + victim)
            return None if st in (200, 204, 404) else "delete object: %d" % st
        col = "pictures" if r < 0.85 else "texts"
        st, docs = self.call("POST", "/v1/collections/%s/documents/list?limit=100" % col, {})
        if st != 200 or not docs["results"]:
            return None
        doc = random.choice(docs["results"])["document_id"]
        path = "/v1/collections/%s/documents/%s" % (col, doc)
        if r < 0.95:
            st, _ = self.call("PATCH", path, {"metadata": {"touched": self.next}})
        else:
            st, _ = self.call("DELETE", path)
        return None if st in (200, 404) else "document write: %d" % st

    def run(self):
        while not self.stop_flag.is_set():
            err = self.step()
            self.writes += 1
            if err:
                self.errors.append(err)

    def finish(self):
        self.stop_flag.set()
        self.join(120)
        self.c.conn.close()


class LiveMigrationTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        random.seed(13)
        cls.api.post("/v1/namespaces", {"namespace_name": NAME, "feature_extractors": [
            {"feature_extractor_name": "text_extractor", "version": "v1"},
            {"feature_extractor_name": "image_extractor", "version": "v1"}]})
        c = cls.c = cls.server.client(namespace=NAME)
        bucket = c.post("/v1/buckets", {"bucket_name": "items", "bucket_schema": {"properties": {
            "content": {"type": "text"}, "photo": {"type": "image"}}}})[1]
        src = {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]}
        cls.texts = c.post("/v1/collections", {"collection_name": "texts", "source": src,
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1",
                                  "input_mappings": {"text": "content"}}})[1]
        c.post("/v1/collections", {"collection_name": "pictures", "source": src,
            "feature_extractor": {"feature_extractor_name": "image_extractor", "version": "v1",
                                  "input_mappings": {"image": "photo"}}})
        c.post("/v1/retrievers", {"retriever_name": "finder",
                                  "collection_identifiers": [cls.texts["collection_id"]],
                                  "input_schema": {"query": {"type": "text"}}, "stages": [SEARCH]})
        ids = [c.post("/v1/buckets/items/objects", {"blobs": [
            {"property": "content", "type": "text", "data": text(i)}]})[1]["object_id"]
            for i in range(40)]
        for png in ("red_16x16.png", "red_16x16.png", "red_16x16.png"):
            ids.append(c.post("/v1/buckets/items/objects", {"blobs": [
                {"property": "photo", "type": "image", "data": b64_file(png)}]})[1]["object_id"])
        batch = c.post("/v1/buckets/items/batches", {"object_ids": ids})[1]
        task = c.post("/v1/buckets/items/batches/%s/submit" % batch["batch_id"])[1]
        wait_task(c, task["task_id"])

    # --- helpers -----------------------------------------------------------------------

    def objects(self, client):
        page = self.assertStatus(client.post("/v1/buckets/items/objects/list?limit=1000"), 200)
        return page["results"]

    def object_key(self, o):
        b = o["blobs"][0]
        key = (b["property"], b["details"]["hash"], json.dumps(b["properties"].get("data")))
        self.assertTrue(key[1], "an object without a content hash: %s" % o)
        return key

    def docs(self, client, col):
        page = self.assertStatus(client.post(
            "/v1/collections/%s/documents/list?limit=1000" % col, {"return_vectors": True}), 200)
        return page["results"]

    def migrate(self, **config):
        cfg = {"source_namespace_id": NAME, "migration_type": "re_extract",
               "feature_extractors": [{"feature_extractor_name": "text_extractor",
                                       "version": "v2"}],
               "batch_options": {"batch_size": 8, "max_workers": 2}}
        cfg.update(config)
        m = self.assertStatus(self.api.post(BASE + "/", {"config": cfg}), 201)
        self.assertStatus(self.api.post(BASE + "/%s/start" % m["migration_id"],
                                        {"force": True}), 200)
        return m["migration_id"]

    def live(self, mid):
        return self.assertStatus(self.api.get(BASE + "/" + mid), 200)["additional_data"]["live"]

    def rebuilt_view(self, client):
        """The rebuilt collection as {object content: [(text, v2 vector)]}."""
        contents = {o["object_id"]: self.object_key(o) for o in self.objects(client)
                    if o["blobs"][0]["property"] == "content"}
        out = {}
        for d in self.docs(client, "texts"):
            root = d["_internal"]["lineage"]["root_object_id"]
            self.assertIn(root, contents, "a rebuilt document of a deleted object: %s" % d)
            out.setdefault(contents[root], []).append((d.get("text"), d[V2]))
        return {json.dumps(k): sorted(v) for k, v in out.items()}

    def copied_view(self, client):
        return sorted(json.dumps([d.get("metadata"), d.get("image_extractor_v1_embedding")])
                      for d in self.docs(client, "pictures"))

    def assert_same(self, source, target):
        """The target is the source's current state, re-extracted."""
        self.assertEqual(sorted(map(self.object_key, self.objects(source))),
                         sorted(map(self.object_key, self.objects(target))))
        self.assertEqual(self.copied_view(source), self.copied_view(target))

    # --- the scenario --------------------------------------------------------------------

    def test_sync_cutover_rollback_under_writes(self):
        writer = Writer(self.server, 1000)
        writer.start()
        mid = self.migrate()
        got = self.wait_migration(mid)
        target_id = got["additional_data"]["target_namespace_id"]
        self.assertIn("source_seq_at_start", got["additional_data"]["live"])
        # One pass, while the writer goes on.
        synced = self.assertStatus(self.api.post(BASE + "/%s/sync" % mid), 200)
        self.assertGreater(synced["additional_data"]["live"]["synced"]["items"], 0)
        self.assertEqual(synced["status"], "completed")
        # Following.
        following = self.assertStatus(self.api.post(BASE + "/%s/sync" % mid, {"follow": True}),
                                      202)
        self.assertTrue(following["additional_data"]["live"]["following"])
        passes = self.live(mid)["sync_passes"]
        wait_until(lambda: self.live(mid)["sync_passes"] >= passes + 3, "three following passes")
        writer.finish()
        self.assertEqual(writer.errors, [])
        self.assertGreater(writer.writes, 20)
        # Let the writer's last batches finish, so the source is final.
        source_id = self.assertStatus(self.api.get("/v1/namespaces/" + NAME), 200)["namespace_id"]
        for task_id in writer.tasks:
            wait_task(self.c, task_id)
        wait_until(lambda: self.live(mid)["lag"]["sequences"] == 0, "the follower to catch up")

        cut = self.assertStatus(self.api.post(BASE + "/%s/cutover" % mid), 200)
        live = cut["additional_data"]["live"]
        self.assertFalse(live["following"])
        self.assertIsNotNone(live["cutover_at"])
        self.assertGreaterEqual(live["cutover_pause_ms"], 0)  # measured; its bound: the bench
        self.assertEqual(live["source_name"], NAME)
        now_named = self.assertStatus(self.api.get("/v1/namespaces/" + NAME), 200)
        self.assertEqual(now_named["namespace_id"], target_id)
        old = self.assertStatus(self.api.get("/v1/namespaces/" + source_id), 200)
        self.assertEqual(old["namespace_name"], NAME + "-pre-" + mid[4:12])
        source = self.server.client(namespace=source_id)
        target = self.server.client(namespace=NAME)  # by name: the target now
        self.assert_same(source, target)
        # Every rebuilt document is what a fresh re_extract of the final source derives.
        fresh_mid = self.migrate(source_namespace_id=source_id,
                                 target_namespace_name="fresh-check")
        self.wait_migration(fresh_mid)
        fresh = self.server.client(namespace="fresh-check")
        self.assertEqual(self.rebuilt_view(target), self.rebuilt_view(fresh))
        # A retriever addressed through the name searches the target.
        out = self.assertStatus(target.post("/v1/retrievers/finder/execute",
                                            {"inputs": {"query": text(3)}}), 200)
        target_texts = {d["document_id"] for d in self.docs(target, "texts")}
        self.assertTrue(out["documents"])
        self.assertTrue({d["document_id"] for d in out["documents"]} <= target_texts)
        # After the cutover: syncing again is refused.
        self.assertStatus(self.api.post(BASE + "/%s/sync" % mid), 409)

        # Writes to the target (through the name), then rollback.
        added = [self.assertStatus(target.post("/v1/buckets/items/objects", {"blobs": [
            {"property": "content", "type": "text", "data": "after cutover %d" % i}]}), 200)
            for i in range(3)]
        gone = next(o for o in self.objects(target) if o["blobs"][0]["property"] == "content")
        self.assertStatus(target.delete("/v1/buckets/items/objects/" + gone["object_id"]), 204)
        pic = self.docs(target, "pictures")[0]
        self.assertStatus(target.patch("/v1/collections/pictures/documents/" + pic["document_id"],
                                       {"metadata": {"after": "cutover"}}), 200)
        back = self.assertStatus(self.api.post(BASE + "/%s/rollback" % mid), 200)
        self.assertIsNotNone(back["additional_data"]["live"]["rolled_back_at"])
        self.assertEqual(
            self.assertStatus(self.api.get("/v1/namespaces/" + NAME), 200)["namespace_id"],
            source_id)
        restored = self.server.client(namespace=NAME)
        self.assert_same(restored, self.server.client(namespace=target_id))
        contents = {self.object_key(o) for o in self.objects(restored)}
        for a in added:
            self.assertIn(self.object_key(a), contents)
        self.assertNotIn(self.object_key(gone), contents)
        # The carried-back objects' documents are derived with the source's extractor (v1).
        by_text = {d.get("text"): d for d in self.docs(restored, "texts")}
        for i in range(3):
            self.assertIn("after cutover %d" % i, by_text)
            self.assertEqual(len(by_text["after cutover %d" % i][V1]), 256)
        self.assertStatus(self.api.post(BASE + "/%s/rollback" % mid), 409)


if __name__ == "__main__":
    unittest.main()
