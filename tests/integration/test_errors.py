"""Bad input of every kind gets a clear error in Mixpeek's envelope, loses nothing and
never takes the server down."""
import json
import os
import socket
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import FerryTestCase  # noqa: E402

TEXT = [{"feature_extractor_name": "text_extractor", "version": "v1"}]


class ErrorTest(FerryTestCase):
    server_args = ("--max-body-bytes", "65536")

    def assertEnvelope(self, result, status, typ=None):
        body = self.assertStatus(result, status)
        self.assertEqual(body["success"], False)
        self.assertEqual(body["status"], status)
        self.assertIsInstance(body["error"]["message"], str)
        self.assertTrue(body["error"]["message"])
        self.assertIn("details", body["error"])
        if typ:
            self.assertEqual(body["error"]["type"], typ)
        return body

    def test_missing_and_invalid_keys_are_401(self):
        self.assertEnvelope(self.api.get("/v1/namespaces/x", key=""), 401, "Unauthorized")
        self.assertEnvelope(self.api.get("/v1/namespaces/x", key="sk_wrong_key_0000000000"), 401)
        self.assertEnvelope(self.api.call("GET", "/v1/tasks/task_x", key="",
                                          headers={"Authorization": "Basic abc"}), 401)
        self.assertEnvelope(self.api.get("/v1/collections/features/extractors", key="nope"), 401)

    def test_malformed_json_is_400_and_creates_nothing(self):
        before = self.assertStatus(self.api.post("/v1/namespaces/list"), 200)["total_count"]
        for raw in ['{"namespace_name": "x",', "not json", '{"a": [1, 2}', "[" * 200 + "]" * 200]:
            with self.subTest(raw=raw[:20]):
                status, data, _ = self.api.raw("POST", "/v1/namespaces", raw, {
                    "Authorization": "Bearer " + self.api.key,
                    "Content-Type": "application/json"})
                self.assertEqual(status, 400)
                self.assertEqual(json.loads(data)["error"]["type"], "BadRequest")
        self.assertStatus(self.api.post("/v1/namespaces", None), 422)
        after = self.assertStatus(self.api.post("/v1/namespaces/list"), 200)["total_count"]
        self.assertEqual(before, after)

    def test_body_over_limit_is_413(self):
        big = {"namespace_name": "big", "feature_extractors": TEXT, "description": "x" * 70000}
        status, data, _ = self.api.raw("POST", "/v1/namespaces", json.dumps(big), {
            "Authorization": "Bearer " + self.api.key})
        self.assertEqual(status, 413)
        body = json.loads(data)
        self.assertEqual(body["status"], 413)
        self.assertEqual(body["error"]["type"], "PayloadTooLarge")
        self.api.conn.close()
        self.assertStatus(self.api.get("/v1/namespaces/big"), 404)

    def test_unknown_route_and_method(self):
        status, data, _ = self.api.raw("GET", "/v1/nothing-here")
        self.assertEqual(status, 404)
        self.assertEqual(json.loads(data)["error"]["type"], "NotFound")
        status, data, _ = self.api.raw("PUT", "/v1/namespaces/list")
        self.assertEqual(status, 405)

    def test_namespace_scoped_routes_need_x_namespace(self):
        err = self.assertEnvelope(self.api.post("/v1/buckets/list"), 400, "BadRequest")
        self.assertIn("X-Namespace", err["error"]["message"])
        self.assertEnvelope(self.api.post("/v1/buckets/list", namespace="ns_unknown"), 404)

    def test_unknown_ids_are_404(self):
        self.api.post("/v1/namespaces", {"namespace_name": "errs", "feature_extractors": TEXT})
        c = self.server.client(namespace="errs")
        for path in ["/v1/buckets/bkt_x", "/v1/collections/col_x", "/v1/tasks/task_x",
                     "/v1/buckets/bkt_x/objects/obj_x", "/v1/buckets/bkt_x/batches/btch_x",
                     "/v1/collections/col_x/documents/doc_x"]:
            with self.subTest(path=path):
                self.assertEnvelope(c.get(path), 404, "NotFound")

    def test_garbage_on_the_socket_does_not_crash_the_server(self):
        for payload in [b"\x00\xff\xfe garbage\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n",
                        b"POST /v1/namespaces HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                        b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\n\r\n"]:
            with socket.create_connection(("127.0.0.1", self.server.port), timeout=30) as s:
                s.sendall(payload)
                s.shutdown(socket.SHUT_WR)
                reply = b""
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    reply += chunk
                if reply:
                    self.assertTrue(reply.startswith(b"HTTP/1.1 4"), reply[:80])
        self.assertStatus(self.api.get("/healthz"), 200)

    def test_wrong_types_in_query(self):
        self.api.post("/v1/namespaces", {"namespace_name": "q", "feature_extractors": TEXT})
        c = self.server.client(namespace="q")
        err = self.assertStatus(c.get("/v1/collections/col_x/documents/doc_x?return_vectors=maybe"),
                                422)
        self.assertEqual(err["detail"][0]["loc"], ["query", "return_vectors"])

    def test_query_booleans_take_pydantics_spellings(self):
        # Regression: only true/false/1/0 were booleans. The document is absent, so a
        # boolean that parses answers 404, one that does not 422.
        self.api.post("/v1/namespaces", {"namespace_name": "qb", "feature_extractors": TEXT})
        c = self.server.client(namespace="qb")
        path = "/v1/collections/col_x/documents/doc_x?return_vectors="
        for word in ["true", "False", "1", "0", "yes", "NO", "on", "Off", "t", "F", "y", "n"]:
            with self.subTest(word=word):
                self.assertEnvelope(c.get(path + word), 404, "NotFound")
        for word in ["maybe", "2", "tru", "", "yess"]:
            with self.subTest(word=word):
                err = self.assertStatus(c.get(path + word), 422)
                self.assertEqual(err["detail"][0]["loc"], ["query", "return_vectors"])

    def test_missing_required_body_is_422(self):
        # Regression: a required body that was not sent answered 400; FastAPI answers 422
        # with loc ["body"].
        for path in ["/v1/namespaces", "/v1/namespaces/migrations/"]:
            with self.subTest(path=path):
                status, data, _ = self.api.raw("POST", path, "", {
                    "Authorization": "Bearer " + self.api.key})
                self.assertEqual(status, 422)
                self.assertEqual(json.loads(data), {"detail": [
                    {"loc": ["body"], "msg": "Field required", "type": "missing"}]})
        # An optional body may be left out.
        status, _, _ = self.api.raw("POST", "/v1/namespaces/list", "", {
            "Authorization": "Bearer " + self.api.key})
        self.assertEqual(status, 200)


if __name__ == "__main__":
    unittest.main()
