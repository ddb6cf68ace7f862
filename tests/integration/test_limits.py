"""Limits: bad input must not cost memory (issue 10, items 9 and 10; the security review's
dotted field names and chunk limits, docs/api-limits.md).

Images are bounded before decoding: an 8000x8000 PNG (a few hundred KB of compressed
zeros) and a 792-byte JPEG whose SOF claims 8000x8000 each fail their own item with a
clear error, a normal image in the same batch succeeds, and ferryd's peak RSS (VmHWM)
rises by less than 64 MiB. Requests are bounded by the schema: over-long lists, strings
and metadata get 422 with the field's loc (limits in docs/api-limits.md)."""
import base64
import json
import os
import struct
import sys
import unittest
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import DATA, Ferryd, FerryTestCase, b64_file  # noqa: E402

SIDE = 8000
MIB = 1024 * 1024
BOMB_ERROR = "image is 8000x8000 = 64000000 pixels, above max_image_pixels 40000000"


def png_chunk(kind, payload):
    return (struct.pack(">I", len(payload)) + kind + payload
            + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))


def zero_png(width, height):
    """A valid RGB PNG of width x height black pixels: its IDAT is the deflate of
    height rows of (filter byte 0 + 3*width zero bytes), built row by row."""
    deflate = zlib.compressobj(9)
    row = bytes(1 + 3 * width)
    idat = b"".join(deflate.compress(row) for _ in range(height)) + deflate.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat)
            + png_chunk(b"IEND", b""))


def jpeg_claiming(width, height):
    """The committed 32x32 JPEG with its baseline SOF patched to claim width x height."""
    with open(os.path.join(DATA, "gradient_32x32.jpg"), "rb") as f:
        jpeg = bytearray(f.read())
    sof = jpeg.index(b"\xff\xc0")
    jpeg[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(jpeg)


def peak_rss(server):
    with open("/proc/%d/status" % server.proc.pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc/<pid>/status")


class ImageLimitsTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api.post("/v1/namespaces", {"namespace_name": "imgs", "feature_extractors": [
            {"feature_extractor_name": "image_extractor", "version": "v1"}]})
        cls.c = cls.server.client(namespace="imgs")

    def make_bucket_and_collection(self, client, name):
        bucket = self.assertStatus(client.post("/v1/buckets", {
            "bucket_name": name, "bucket_schema": {"properties": {"photo": {"type": "image"}}}}),
            200)
        col = self.assertStatus(client.post("/v1/collections", {
            "collection_name": name,
            "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
            "feature_extractor": {"feature_extractor_name": "image_extractor",
                                  "version": "v1"}}), 200)
        return bucket, col

    def run_images(self, client, bucket, images):
        """Uploads each image as an object, runs one batch over them; returns the task and
        the documents by object id."""
        ids = []
        for data in images:
            ids.append(self.assertStatus(client.post(
                "/v1/buckets/%s/objects" % bucket["bucket_id"],
                {"blobs": [{"property": "photo", "type": "image", "data": data}]}),
                200)["object_id"])
        path = "/v1/buckets/%s/batches" % bucket["bucket_id"]
        batch = self.assertStatus(client.post(path, {"object_ids": ids}), 200)
        task = self.assertStatus(client.post(path + "/%s/submit" % batch["batch_id"]), 200)
        return self.wait_task(client, task["task_id"]), ids

    def documents(self, client, col):
        page = self.assertStatus(client.post(
            "/v1/collections/%s/documents/list?limit=100" % col["collection_id"], {}), 200)
        return {d["_internal"]["lineage"]["source_object_id"]: d for d in page["results"]}

    def test_declared_8000x8000_images_fail_their_item_without_costing_memory(self):
        png = zero_png(SIDE, SIDE)
        self.assertLess(len(png), 400 * 1024)  # a few hundred KB that decode to 192 MB
        jpeg = jpeg_claiming(SIDE, SIDE)
        self.assertEqual(len(jpeg), 792)
        bucket, col = self.make_bucket_and_collection(self.c, "bombs")
        # Warm-up: a normal batch first, so the baseline holds what any batch costs.
        warm, _ = self.run_images(self.c, bucket, [b64_file("red_16x16.png")])
        self.assertEqual(warm["status"], "COMPLETED")
        before = peak_rss(self.server)

        good = b64_file("gradient_32x32.jpg")
        bombs = [base64.b64encode(png).decode(), base64.b64encode(jpeg).decode()]
        task, (good_id, png_id, jpeg_id) = self.run_images(self.c, bucket, [good] + bombs)

        rise = peak_rss(self.server) - before
        self.assertLess(rise, 64 * MIB, "peak RSS rose by %.1f MiB" % (rise / MIB))
        self.assertEqual(task["status"], "COMPLETED", json.dumps(task))
        self.assertEqual(task["additional_data"]["items_failed"], 2)
        docs = self.documents(self.c, col)
        self.assertEqual(docs[good_id]["_internal"]["metadata"]["ingestion_status"], "COMPLETED")
        for bomb in (png_id, jpeg_id):
            meta = docs[bomb]["_internal"]["metadata"]
            self.assertEqual(meta["ingestion_status"], "FAILED")
            self.assertIn(BOMB_ERROR, meta["error"])

    def test_cap_comes_from_the_configuration(self):
        server = Ferryd(env={"FERRY_MAX_IMAGE_PIXELS": "1000"}).start()
        try:
            admin = server.client()
            self.assertStatus(admin.post("/v1/namespaces", {
                "namespace_name": "capped", "feature_extractors": [
                    {"feature_extractor_name": "image_extractor", "version": "v1"}]}), 200)
            client = server.client(namespace="capped")
            bucket, col = self.make_bucket_and_collection(client, "capped")
            task, (small, large) = self.run_images(client, bucket, [
                b64_file("red_16x16.png"), b64_file("gradient_32x32.jpg")])
            self.assertEqual(task["additional_data"]["items_failed"], 1)
            docs = self.documents(client, col)
            self.assertEqual(docs[small]["_internal"]["metadata"]["ingestion_status"],
                             "COMPLETED")
            self.assertIn("image is 32x32 = 1024 pixels, above max_image_pixels 1000",
                          docs[large]["_internal"]["metadata"]["error"])
        finally:
            server.cleanup()


class RequestLimitsTest(FerryTestCase):
    def assertTooLong(self, result, loc, kind):
        body = self.assertStatus(result, 422)
        self.assertEqual([(d["loc"], d["type"]) for d in body["detail"]], [(loc, kind)],
                         json.dumps(body)[:2000])

    def extractors(self, n):
        return [{"feature_extractor_name": "text_extractor", "version": "v1"}] * n

    def test_namespace_lists_and_strings_are_bounded(self):
        # Regression: both were stored, and namespaces/list answered 21.6 MB.
        self.assertTooLong(self.api.post("/v1/namespaces", {
            "namespace_name": "many", "feature_extractors": self.extractors(100000)}),
            ["body", "feature_extractors"], "too_long")
        self.assertTooLong(self.api.post("/v1/namespaces", {
            "namespace_name": "long", "feature_extractors": self.extractors(1),
            "description": "d" * (10 * MIB)}), ["body", "description"], "string_too_long")
        self.assertTooLong(self.api.post("/v1/namespaces", {
            "namespace_name": "n" * 101, "feature_extractors": self.extractors(1)}),
            ["body", "namespace_name"], "string_too_long")
        # At the limits, it is accepted.
        self.assertStatus(self.api.post("/v1/namespaces", {
            "namespace_name": "n" * 100, "feature_extractors": self.extractors(32),
            "description": "d" * 10000}), 200)
        self.assertTooLong(self.api.patch("/v1/namespaces/" + "n" * 100, {
            "description": "d" * 10001}), ["body", "description"], "string_too_long")
        listed = self.assertStatus(self.api.post("/v1/namespaces/list", {}), 200)
        self.assertLess(len(json.dumps(listed)), 64 * 1024)

    def test_published_namespace_limits_are_the_enforced_ones(self):
        doc = self.assertStatus(self.api.get("/openapi.json", key=""), 200)
        limits = doc["components"]["schemas"]["FerryRequestLimits"]["properties"]
        fields = limits["CreateNamespaceRequest"]["properties"]
        at = fields["feature_extractors"]["maxItems"]
        self.assertTooLong(self.api.post("/v1/namespaces", {
            "namespace_name": "pub", "feature_extractors": self.extractors(at + 1)}),
            ["body", "feature_extractors"], "too_long")
        at = fields["description"]["maxLength"]
        self.assertTooLong(self.api.post("/v1/namespaces", {
            "namespace_name": "pub", "feature_extractors": self.extractors(1),
            "description": "d" * (at + 1)}), ["body", "description"], "string_too_long")
        self.assertStatus(self.api.post("/v1/namespaces", {
            "namespace_name": "pub", "feature_extractors": self.extractors(1),
            "description": "d" * at}), 200)

    def test_bucket_metadata_and_batch_ids_are_bounded(self):
        self.assertStatus(self.api.post("/v1/namespaces", {
            "namespace_name": "lim", "feature_extractors": self.extractors(1)}), 200)
        c = self.server.client(namespace="lim")
        schema = {"properties": {"content": {"type": "text"}}}
        self.assertTooLong(c.post("/v1/buckets", {
            "bucket_name": "b", "bucket_schema": schema, "metadata": {"k": "m" * 70000}}),
            ["body", "metadata"], "too_long")
        bucket = self.assertStatus(c.post("/v1/buckets", {
            "bucket_name": "b", "bucket_schema": schema, "metadata": {"k": "m" * 1000}}), 200)
        self.assertTooLong(c.post("/v1/buckets/%s/batches" % bucket["bucket_id"], {
            "object_ids": ["obj_x"] * 10001}), ["body", "object_ids"], "too_long")
        self.assertTooLong(c.post("/v1/buckets/%s/objects" % bucket["bucket_id"], {
            "blobs": [{"property": "content", "type": "text", "data": "x"}] * 101}),
            ["body", "blobs"], "too_long")


class DottedFieldNameLimitsTest(FerryTestCase):
    """Regression: a document update with a property "a.a.…a" of ~1M dots became one nested
    object per dot and a merge that recursed once per level: SIGSEGV (stack overflow) in
    ferryd, from PATCH/PUT of a document, update_data of POST …/documents/batch and of
    PATCH …/documents/bulk. Field names are bounded (10 000 characters, 64 dotted levels);
    over either, 422 at the field, nothing changed, and the server still answers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api.post("/v1/namespaces", {"namespace_name": "dots", "feature_extractors": [
            {"feature_extractor_name": "text_extractor", "version": "v1"}]})
        cls.c = cls.server.client(namespace="dots")
        bucket = cls.c.post("/v1/buckets", {"bucket_name": "b", "bucket_schema": {
            "properties": {"content": {"type": "text"}}}})[1]
        col = cls.c.post("/v1/collections", {
            "collection_name": "texts",
            "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
            "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1",
                                  "input_mappings": {"text": "content"}}})[1]
        cls.cid = col["collection_id"]
        cls.docs = "/v1/collections/%s/documents" % cls.cid

    def issues(self, result):
        body = self.assertStatus(result, 422)
        return [(d["loc"], d["type"]) for d in body["detail"]]

    def test_a_million_dots_is_422_and_the_server_lives(self):
        doc = self.assertStatus(self.c.post(self.docs, {"collection_id": self.cid,
                                                        "metadata": {"n": 1}}), 200)
        one = "%s/%s" % (self.docs, doc["document_id"])
        huge = "a" + ".a" * 1000000  # 2 MB of name: not echoed back
        deep = "a" + ".a" * 64  # 65 levels, one more than a body may nest
        for method in ("PATCH", "PUT"):
            self.assertEqual(self.issues(self.c.call(method, one, {huge: 1})),
                             [(["body"], "string_too_long")], method)
            self.assertEqual(self.issues(self.c.call(method, one, {deep: 1})),
                             [(["body", deep], "value_error")], method)
        self.assertEqual(self.issues(self.c.post(self.docs + "/batch", {"updates": [
            {"document_id": doc["document_id"], "update_data": {huge: 1}}]})),
            [(["body", "updates", 0, "update_data"], "string_too_long")])
        self.assertEqual(self.issues(self.c.patch(self.docs + "/bulk", {
            "filters": {"AND": []}, "update_data": {deep: 1}})),
            [(["body", "update_data", deep], "value_error")])
        self.assertStatus(self.api.get("/healthz"), 200)
        got = self.assertStatus(self.c.get(one), 200)
        self.assertEqual(got["metadata"], {"n": 1})  # nothing changed
        # At the limit, 64 levels, the update is applied.
        ok = deep[2:]
        patched = self.assertStatus(self.c.patch(one, {ok: 2}), 200)
        node = patched
        for _ in range(64):
            node = node["a"]
        self.assertEqual(node, 2)


class ChunkLimitsTest(FerryTestCase):
    """Regression: split_by words, chunk_size 5001, chunk_overlap 5000 made ~500 000 chunks
    of a 1 MB text (5 GB). An item is bounded (10 000 documents, 256 MiB of fields): over,
    it fails with the reason and the batch goes on."""

    def test_a_text_over_the_chunk_limit_fails_its_item_only(self):
        self.assertStatus(self.api.post("/v1/namespaces", {
            "namespace_name": "chunks", "feature_extractors": [
                {"feature_extractor_name": "text_extractor", "version": "v1"}]}), 200)
        c = self.server.client(namespace="chunks")
        bucket = self.assertStatus(c.post("/v1/buckets", {"bucket_name": "b", "bucket_schema": {
            "properties": {"content": {"type": "text"}}}}), 200)
        col = self.assertStatus(c.post("/v1/collections", {
            "collection_name": "chunked",
            "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
            "feature_extractor": {
                "feature_extractor_name": "text_extractor", "version": "v1",
                "input_mappings": {"text": "content"},
                "parameters": {"split_by": "words", "chunk_size": 5001,
                               "chunk_overlap": 5000}}}), 200)
        ids = []
        for text in ("a " * 500000, "a few words"):
            ids.append(self.assertStatus(c.post("/v1/buckets/%s/objects" % bucket["bucket_id"], {
                "blobs": [{"property": "content", "type": "text", "data": text}]}),
                200)["object_id"])
        path = "/v1/buckets/%s/batches" % bucket["bucket_id"]
        batch = self.assertStatus(c.post(path, {"object_ids": ids}), 200)
        task = self.assertStatus(c.post(path + "/%s/submit" % batch["batch_id"]), 200)
        task = self.wait_task(c, task["task_id"])
        self.assertEqual(task["status"], "COMPLETED", json.dumps(task)[:2000])
        self.assertEqual(task["additional_data"]["items_failed"], 1)
        page = self.assertStatus(c.post(
            "/v1/collections/%s/documents/list?limit=100" % col["collection_id"], {}), 200)
        by_object = {}
        for d in page["results"]:
            by_object.setdefault(d["_internal"]["lineage"]["source_object_id"], []).append(d)
        big, small = by_object[ids[0]], by_object[ids[1]]
        self.assertEqual(len(big), 1)
        meta = big[0]["_internal"]["metadata"]
        self.assertEqual(meta["ingestion_status"], "FAILED")
        self.assertIn("makes 495000 chunks of this text, above the limit of 10000 per item",
                      meta["error"])
        self.assertEqual([d["_internal"]["metadata"]["ingestion_status"] for d in small],
                         ["COMPLETED"])


if __name__ == "__main__":
    unittest.main()
