"""The live-migration endpoints (Ferry extensions, issue 13 §3) with bad input, over HTTP:
sync, sync/stop, cutover and rollback answer 404 for an unknown or another organization's
migration, 409 for a migration that is not completed (or not cut over, for rollback),
422 for a malformed body; a completed copy syncs (200), follows (202) and stops. Every
response is validated against /openapi.json (the harness)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import FerryTestCase  # noqa: E402

BASE = "/v1/namespaces/migrations"
OPS = ("sync", "sync/stop", "cutover", "rollback")


class MigrationLiveEndpointsTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api.post("/v1/namespaces", {"namespace_name": "live-api", "feature_extractors": [
            {"feature_extractor_name": "text_extractor", "version": "v1"}]})
        c = cls.server.client(namespace="live-api")
        c.post("/v1/buckets", {"bucket_name": "b", "bucket_schema": {"properties": {
            "content": {"type": "text"}}}})
        c.post("/v1/buckets/b/objects", {"blobs": [
            {"property": "content", "type": "text", "data": "one object"}]})

    def create(self, start):
        m = self.assertStatus(self.api.post(BASE + "/", {"config": {
            "source_namespace_id": "live-api", "migration_type": "copy"}}), 201)
        if start:
            self.assertStatus(self.api.post(BASE + "/%s/start" % m["migration_id"]), 200)
            self.wait_migration(m["migration_id"])
        return m["migration_id"]

    def test_unknown_and_foreign_migrations_are_not_found(self):
        mid = self.create(start=True)
        other = self.server.client(key=self.server.create_key("org-live-other"))
        for op in OPS:
            body = self.assertStatus(self.api.post(BASE + "/mig_000000000000000000000000/" + op),
                                     404)
            self.assertEqual(body["error"]["type"], "NotFound")
            self.assertStatus(other.post(BASE + "/%s/%s" % (mid, op)), 404)

    def test_a_draft_cannot_be_synced_cut_over_or_rolled_back(self):
        mid = self.create(start=False)
        for op in ("sync", "cutover", "rollback"):
            body = self.assertStatus(self.api.post(BASE + "/%s/%s" % (mid, op)), 409)
            self.assertEqual(body["error"]["type"], "Conflict")
            self.assertNotIn("/", body["error"]["message"].replace(mid, ""),
                             "no server path in a message")

    def test_bad_sync_bodies_are_422(self):
        mid = self.create(start=True)
        body = self.assertStatus(self.api.post(BASE + "/%s/sync" % mid, {"follow": "yes"}), 422)
        self.assertEqual(body["detail"][0]["loc"], ["body", "follow"])
        status, _, _ = self.api.raw("POST", BASE + "/%s/sync" % mid, "{not json",
                                    {"Authorization": "Bearer " + self.api.key,
                                     "Content-Type": "application/json"})
        self.assertIn(status, (400, 422))

    def test_sync_follow_stop_and_rollback_before_cutover(self):
        mid = self.create(start=True)
        once = self.assertStatus(self.api.post(BASE + "/%s/sync" % mid), 200)
        live = once["additional_data"]["live"]
        self.assertEqual(live["sync_passes"], 1)
        self.assertFalse(live["following"])
        self.assertEqual(live["lag"], {"sequences": 0, "items": 0})
        self.assertEqual(once["status"], "completed")
        following = self.assertStatus(self.api.post(BASE + "/%s/sync" % mid, {"follow": True}),
                                      202)
        self.assertTrue(following["additional_data"]["live"]["following"])
        stopped = self.assertStatus(self.api.post(BASE + "/%s/sync/stop" % mid), 200)
        self.assertFalse(stopped["additional_data"]["live"]["following"])
        body = self.assertStatus(self.api.post(BASE + "/%s/rollback" % mid), 409)
        self.assertIn("not cut over", body["error"]["message"])


if __name__ == "__main__":
    unittest.main()
