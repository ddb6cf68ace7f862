#!/usr/bin/env python3
"""The SQLite copy's own table writes, run bare: what copy / A could reach with no runner,
no id mapping, no fences, no verification and no index rebuild.

    build/bench/ferry-bench --n 100000 --reference-n 0 --no-re-extract --data-dir DIR
    bench/copy_sql_ceiling.py DIR/ns/<the source namespace>.db [slice]

Writes a scratch copy of the source's objects, blob hashes and documents (vectors in
their rows) into
fresh files under a temporary directory (the schema of src/storage/sqlite/
schema_migrations.cc without the secondary indexes, which a bulk load drops), slice by
slice as the bulk copy does (1000 ids per transaction, `json_each` driving primary-key
probes of the attached source), and times baseline A (`INSERT INTO t2 SELECT * FROM t1`
of the same document rows) in the same process. Prints the rates and the ceiling
2 x A-time / copy-time (copy items are objects + documents). Python's standard sqlite3
module only.
"""
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time

OBJECTS = """
CREATE TABLE buckets (bucket_id TEXT PRIMARY KEY);
CREATE TABLE objects (object_id TEXT PRIMARY KEY,
  bucket_id TEXT NOT NULL REFERENCES buckets (bucket_id) ON DELETE CASCADE,
  key_prefix TEXT, blobs BLOB NOT NULL, status TEXT NOT NULL, error TEXT,
  size_bytes INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE object_blob_hashes (
  object_id TEXT NOT NULL REFERENCES objects (object_id) ON DELETE CASCADE,
  content_hash TEXT NOT NULL, PRIMARY KEY (object_id, content_hash)) WITHOUT ROWID;
CREATE TABLE collections (collection_id TEXT PRIMARY KEY);
CREATE TABLE documents (document_id TEXT PRIMARY KEY,
  collection_id TEXT NOT NULL REFERENCES collections (collection_id) ON DELETE CASCADE,
  fields BLOB NOT NULL, source_type TEXT NOT NULL, root_object_id TEXT NOT NULL,
  root_bucket_id TEXT NOT NULL, source_object_id TEXT, source_document_id TEXT,
  source_collection_id TEXT, lineage_path TEXT NOT NULL, modality TEXT NOT NULL,
  ingestion_status TEXT NOT NULL, error TEXT, batch_id TEXT NOT NULL,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, vectors BLOB NOT NULL);
"""
OBJECT_COLS = ("object_id, bucket_id, key_prefix, blobs, status, error, size_bytes, "
               "created_at, updated_at")
DOC_COLS = ("document_id, collection_id, fields, source_type, root_object_id, root_bucket_id, "
            "source_object_id, source_document_id, source_collection_id, lineage_path, "
            "modality, ingestion_status, error, batch_id, created_at, updated_at, vectors")


def prefixed(alias, cols):
    return ", ".join(alias + "." + c.strip() for c in cols.split(","))


OBJECT_SLICE = [
    "INSERT INTO objects (%s) SELECT %s FROM json_each(?1) j "
    "CROSS JOIN src.objects o ON o.object_id = j.value" % (OBJECT_COLS,
                                                          prefixed("o", OBJECT_COLS)),
    "INSERT OR IGNORE INTO object_blob_hashes SELECT h.object_id, h.content_hash "
    "FROM json_each(?1) j CROSS JOIN src.objects o ON o.object_id = j.value "
    "JOIN src.object_blob_hashes h ON h.object_id = o.object_id",
]
DOCUMENT_SLICE = [
    "INSERT INTO documents (%s) SELECT %s FROM json_each(?1) j "
    "CROSS JOIN src.documents d ON d.document_id = j.value" % (DOC_COLS,
                                                              prefixed("d", DOC_COLS)),
]


def connect(path, source):
    db = sqlite3.connect(path, isolation_level=None)
    # Foreign keys off, as in a bulk copy slice (sqlite_bulk_copy.cc).
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=OFF"):
        db.execute("PRAGMA " + pragma)
    db.execute("ATTACH ? AS src", (source,))
    return db


def baseline_a(scratch, source):
    db = connect(os.path.join(scratch, "a.db"), source)
    db.execute("CREATE TABLE t1 (id TEXT PRIMARY KEY, fields BLOB, vector BLOB)")
    db.execute("CREATE TABLE t2 (id TEXT PRIMARY KEY, fields BLOB, vector BLOB)")
    db.execute("INSERT INTO t1 SELECT d.document_id, d.fields, d.vectors FROM src.documents d "
               "ORDER BY d.rowid")
    start = time.monotonic()
    db.execute("INSERT INTO t2 SELECT * FROM t1")
    seconds = time.monotonic() - start
    db.close()
    return seconds


def copy(scratch, source, slice_size):
    db = connect(os.path.join(scratch, "copy.db"), source)
    db.executescript(OBJECTS)
    db.execute("INSERT INTO buckets SELECT bucket_id FROM src.buckets")
    db.execute("INSERT INTO collections SELECT collection_id FROM src.collections")
    objects = [r[0] for r in db.execute("SELECT object_id FROM src.objects ORDER BY 1")]
    documents = [r[0] for r in db.execute("SELECT document_id FROM src.documents ORDER BY 1")]
    seconds = []
    for ids, statements in ((objects, OBJECT_SLICE), (documents, DOCUMENT_SLICE)):
        start = time.monotonic()
        for at in range(0, len(ids), slice_size):
            part = json.dumps(ids[at:at + slice_size])
            db.execute("BEGIN")
            for sql in statements:
                db.execute(sql, (part,))
            db.execute("COMMIT")
        seconds.append(time.monotonic() - start)
    db.close()
    return len(objects), len(documents), seconds


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    source = sys.argv[1]
    slice_size = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    scratch = tempfile.mkdtemp(prefix="copy-ceiling-")
    try:
        a = baseline_a(scratch, source)
        n_objects, n_documents, (obj_s, doc_s) = copy(scratch, source, slice_size)
    finally:
        shutil.rmtree(scratch)
    total = obj_s + doc_s
    print("A: %d rows in %.3f s = %.0f rows/s" % (n_documents, a, n_documents / a))
    print("bare copy: objects %.3f s, documents %.3f s, %d items in %.3f s = %.0f items/s"
          % (obj_s, doc_s, n_objects + n_documents, total, (n_objects + n_documents) / total))
    print("ceiling copy / A = %.3f" % (((n_objects + n_documents) / total) / (n_documents / a)))


if __name__ == "__main__":
    main()
