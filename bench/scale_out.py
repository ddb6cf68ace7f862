#!/usr/bin/env python3
"""Scale-out benchmark (issue 11): a re_extract through an HTTP embedding extractor whose
model answers each request after a fixed latency, run by 1, 2 and 3 `worker` processes
(each `--workers 1`) behind one `api` process, all on one PostgreSQL database.

    python3 bench/scale_out.py --ferryd build/ferryd [--objects 3000] [--latency-ms 50]
                               [--processes 1,2,3]

Starts its own throwaway PostgreSQL cluster (tests/pg/pg_cluster.sh) and fake model
server (tests/fake_embeddings.py), a fresh database per run. Prints, per process count,
the batch_processing time and docs/s (from the migration's own stage timestamps), each
process's share, and the speed-up against one process."""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
import ferry_harness  # noqa: E402
from ferry_harness import Ferryd, STORAGE_URL_NAME, wait_until  # noqa: E402
from fake_embeddings import FakeEmbeddingServer  # noqa: E402

CONFIG = """
[[extractors.http]]
name = "fake_embed"
version = "v1"
base_url = "%(url)s"
model = "fake-model"
dimensions = 8
batch_size = 100

[[extractors.http]]
name = "fake_embed"
version = "v2"
base_url = "%(url)s"
model = "fake-model-2"
dimensions = 8
send_dimensions = true
batch_size = 5
"""
BASE = "/v1/namespaces/migrations"


def psql(url, sql):
    subprocess.run(["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True,
                   capture_output=True)


def seconds(iso):
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def start(tmp, name, url, args, secret=None):
    data_dir = os.path.join(tmp, name)
    os.makedirs(data_dir)
    with open(os.path.join(data_dir, STORAGE_URL_NAME), "w") as f:
        f.write(url)
    if secret:
        shutil.copy(secret, os.path.join(data_dir, "secret.key"))
    return Ferryd(data_dir=data_dir, extra_args=args + ["--node-name", name]).start()


def ingest(api, n):
    c = api.client(namespace="origin")
    api.client().post("/v1/namespaces", {"namespace_name": "origin", "feature_extractors": [
        {"feature_extractor_name": "fake_embed", "version": "v1"}]})
    bucket = c.post("/v1/buckets", {"bucket_name": "texts", "bucket_schema": {
        "properties": {"content": {"type": "text"}}}})[1]
    c.post("/v1/collections", {"collection_name": "embedded",
                               "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
                               "feature_extractor": {"feature_extractor_name": "fake_embed",
                                                     "version": "v1",
                                                     "input_mappings": {"text": "content"}}})
    ids = [c.post("/v1/buckets/texts/objects", {"blobs": [
        {"property": "content", "type": "text", "data": "scale-out text %d" % i}]})[1]["object_id"]
        for i in range(n)]
    batch = c.post("/v1/buckets/texts/batches", {"object_ids": ids})[1]
    task = c.post("/v1/buckets/texts/batches/%s/submit" % batch["batch_id"])[1]
    ferry_harness.wait_task(c, task["task_id"])


def run(args, cluster_url, fake, k, tmp):
    db = "scale_%d_%d" % (k, os.getpid())
    psql(cluster_url, 'CREATE DATABASE "%s"' % db)
    url = cluster_url.rsplit("/", 1)[0] + "/" + db
    config = os.path.join(tmp, "ferryd.toml")
    procs = []
    try:
        fake.latency = 0
        api = start(tmp, "api-%d" % k, url, ["--config", config, "--role", "api"])
        procs.append(api)
        ingest(api, args.objects)
        secret = os.path.join(api.data_dir, "secret.key")
        for i in range(k):
            procs.append(start(tmp, "worker-%d-%d" % (k, i + 1), url,
                               ["--config", config, "--role", "worker", "--workers", "1"],
                               secret))
        fake.latency = args.latency_ms / 1000.0
        client = api.client()
        m = client.post(BASE + "/", {"config": {
            "source_namespace_id": "origin", "migration_type": "re_extract",
            "feature_extractors": [{"feature_extractor_name": "fake_embed", "version": "v2"}],
            "batch_options": {"batch_size": args.batch_size, "max_workers": 1}}})[1]
        client.post(BASE + "/%s/start" % m["migration_id"], {"force": True})

        def ended():
            status, body = client.get(BASE + "/" + m["migration_id"], validate=False)
            return body if body["status"] in ("completed", "failed", "cancelled") else None

        got = wait_until(ended, "the migration", timeout=3600, pause=0.2)
        if got["status"] != "completed":
            raise RuntimeError("migration %s: %s" % (got["status"], got["error_message"]))
        stage = got["progress"]["stages"][2]
        took = seconds(stage["completed_at"]) - seconds(stage["started_at"])
        total = seconds(got["completed_at"]) - seconds(got["started_at"])
        return {"processes": k, "batch_processing_s": round(took, 2), "migration_s": round(total, 2),
                "docs_per_s": round(args.objects / took, 1),
                "shares": got["additional_data"].get("batch_processing_workers")}
    finally:
        for p in procs:
            p.cleanup()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--ferryd", default=os.path.join(HERE, "..", "build", "ferryd"))
    p.add_argument("--objects", type=int, default=3000)
    p.add_argument("--batch-size", type=int, default=25)
    p.add_argument("--latency-ms", type=int, default=50)
    p.add_argument("--processes", default="1,2,3")
    args = p.parse_args()
    ferry_harness.FERRYD = args.ferryd
    tmp = tempfile.mkdtemp(prefix="ferry_scale_")
    # Directly under /tmp: the server runs as `postgres`, which cannot enter `tmp` (0700).
    cluster = "/tmp/ferry-scale-pg-%d" % os.getpid()
    script = os.path.join(HERE, "..", "tests", "pg", "pg_cluster.sh")
    subprocess.run([script, "start", cluster], check=True, capture_output=True)
    fake = FakeEmbeddingServer(dimensions=8).start()
    try:
        ferry_harness.PG_URL_FILE = os.path.join(cluster, "url")  # each data dir names its DB
        with open(ferry_harness.PG_URL_FILE) as f:
            cluster_url = f.read().strip()
        with open(os.path.join(tmp, "ferryd.toml"), "w") as f:
            f.write(CONFIG % {"url": fake.url()})
        print("load before: %s" % open("/proc/loadavg").read().strip(), flush=True)
        results = []
        for k in [int(x) for x in args.processes.split(",")]:
            r = run(args, cluster_url, fake, k, tmp)
            results.append(r)
            print(json.dumps(r), flush=True)
        base = results[0]["docs_per_s"]
        for r in results:
            print("%d process(es): batch_processing %.2f s, %.1f docs/s, %.2fx one" % (
                r["processes"], r["batch_processing_s"], r["docs_per_s"], r["docs_per_s"] / base))
        print("load after: %s" % open("/proc/loadavg").read().strip())
    finally:
        fake.stop()
        subprocess.run([script, "stop", cluster], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
