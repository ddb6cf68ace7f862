#!/usr/bin/env python3
"""Helper of bench/status_load.sh: drives a running ferryd over its HTTP API.

  status_load_seed.py PORT KEY seed N     namespace "bench-src" with N text objects
                                          (4 sentences each, chunked one per document by
                                          a text_extractor v1 collection), extracted
  status_load_seed.py PORT KEY start      starts a re_extract (text_extractor v1 -> v2,
                                          force) of it and prints the migration id
  status_load_seed.py PORT KEY finished   runs a dry-run copy of it to the end and prints
                                          its id (a migration GET reads from the catalog)
  status_load_seed.py PORT KEY status ID  prints "status stage percent" of a migration

Standard library only."""
import http.client
import json
import sys
import threading

NS = "bench-src"
BASE = "/v1/namespaces/migrations"


class Api:
    def __init__(self, port, key):
        self.port, self.key = port, key
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def call(self, method, path, body=None, namespace=None):
        headers = {"Authorization": "Bearer " + self.key}
        if namespace:
            headers["X-Namespace"] = namespace
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=headers)
        resp = self.conn.getresponse()
        raw = resp.read()
        if resp.status >= 300:
            raise RuntimeError("%s %s -> %d %s" % (method, path, resp.status, raw[:500]))
        return json.loads(raw) if raw else None


def text(i):
    return ("Ferry %d leaves the northern pier at dawn. The river is wide near mile %d. "
            "Passengers read about topic %d while crossing. The ferry returns by night %d."
            % (i, i * 7 % 1000, i % 97, i % 31))


def seed(port, key, n):
    api = Api(port, key)
    api.call("POST", "/v1/namespaces", {"namespace_name": NS, "feature_extractors": [
        {"feature_extractor_name": "text_extractor", "version": "v1"}]})
    bucket = api.call("POST", "/v1/buckets", {"bucket_name": "docs", "bucket_schema": {
        "properties": {"content": {"type": "text"}}}}, NS)
    api.call("POST", "/v1/collections", {
        "collection_name": "sentences",
        "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
        "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1",
                              "input_mappings": {"text": "content"},
                              "parameters": {"split_by": "sentences", "chunk_size": 1}}}, NS)
    ids = [None] * n
    threads = 8

    def create(t):
        c = Api(port, key)
        for i in range(t, n, threads):
            ids[i] = c.call("POST", "/v1/buckets/docs/objects", {"blobs": [
                {"property": "content", "type": "text", "data": text(i)}]}, NS)["object_id"]

    workers = [threading.Thread(target=create, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if any(i is None for i in ids):
        sys.exit("some objects were not created")
    tasks = []
    for start in range(0, n, 5000):
        batch = api.call("POST", "/v1/buckets/docs/batches", {"object_ids": ids[start:start + 5000]},
                         NS)
        tasks.append(api.call("POST", "/v1/buckets/docs/batches/%s/submit" % batch["batch_id"],
                              {}, NS)["task_id"])
    for task in tasks:  # each poll is a blocking round trip, and the server does the work
        while api.call("GET", "/v1/tasks/" + task)["status"] not in (
                "COMPLETED", "FAILED", "COMPLETED_WITH_ERRORS", "CANCELED"):
            pass


def start(port, key):
    api = Api(port, key)
    m = api.call("POST", BASE + "/", {"config": {
        "migration_type": "re_extract", "source_namespace_id": NS,
        "feature_extractors": [{"feature_extractor_name": "text_extractor", "version": "v2"}]}})
    api.call("POST", BASE + "/%s/start" % m["migration_id"], {"force": True})
    print(m["migration_id"])


def finished(port, key):
    api = Api(port, key)
    m = api.call("POST", BASE + "/", {"config": {
        "migration_type": "copy", "source_namespace_id": NS, "dry_run": True},
        "start_immediately": True})
    while api.call("GET", BASE + "/" + m["migration_id"])["status"] not in (
            "completed", "failed", "cancelled"):
        pass
    print(m["migration_id"])


def status(port, key, mid):
    m = Api(port, key).call("GET", BASE + "/" + mid)
    p = m["progress"]
    print(m["status"], p.get("current_stage") or "-", round(p["overall_progress_percent"], 1))


if __name__ == "__main__":
    port, key, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    if cmd == "seed":
        seed(port, key, int(sys.argv[4]))
    elif cmd == "start":
        start(port, key)
    elif cmd == "finished":
        finished(port, key)
    elif cmd == "status":
        status(port, key, sys.argv[4])
    else:
        sys.exit(__doc__)
