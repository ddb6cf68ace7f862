"""`ferry`, the command-line client (src/cli/), against a real ferryd and a scripted server.

Runs ferryd_testing (ferryd plus the test-only fault_extractor: a text marked
"[hold:NAME]" waits while the file NAME exists in FERRYD_TEST_FAULT_DIR, one marked
"[fail:NAME]" fails while it exists) with an HTTP extractor over tests/fake_embeddings.py,
whose latency makes a re_extract last long enough to watch.

Checked: every command once; a bad flag exits 64 with usage; an unreachable server is one
line and exit 4; a server error prints its message and type (exit 3); `watch` under a
pseudo-terminal redraws in place (cursor movement) with the stage bars advancing and exits
0 at completion; without a terminal it prints one line per change; exit 2 for a migration
cancelled while watched; Ctrl-C exits 130 and leaves the migration running; watch follows
ferryd's event stream (its log shows the events route, and no GET of the migration). Against a
small scripted HTTP server: watch reads the event stream (no GET of the migration) and
reconnects with Last-Event-ID, falls back to polling GET when /events answers 404, and
exits 1 for a failed migration."""
import fcntl
import http.server
import json
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import ADMIN_KEY, Ferryd, FerryTestCase, wait_task, wait_until  # noqa: E402
from fake_embeddings import FakeEmbeddingServer  # noqa: E402

FERRY = os.environ.get("FERRY", os.path.join(os.path.dirname(__file__), "..", "..", "build",
                                             "ferry"))
BASE = "/v1/namespaces/migrations"
KEY_ENV = "FAKE_EMBED_API_KEY"
EMBED_KEY = "sk-fake-cli-0123456789abcdef"
SCHEMA = {"properties": {"content": {"type": "text"}}}
LATENCY = 0.5  # seconds the fake model takes per request while a migration is watched
CLI_TIMEOUT = 300  # seconds one ferry command may take

CONFIG = """
[[extractors.http]]
name = "fake_embed"
version = "v1"
base_url = "%(url)s"
model = "fake-model"
dimensions = 16
api_key_env = "%(env)s"
batch_size = 2

[[extractors.http]]
name = "fake_embed"
version = "v2"
base_url = "%(url)s"
model = "fake-model-2"
dimensions = 16
api_key_env = "%(env)s"
batch_size = 2
"""


def closed_port():
    """A port nothing listens on (bound, then closed)."""
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Cli:
    """Runs build/ferry against one server URL; the key comes from FERRY_API_KEY."""

    def __init__(self, url, key=ADMIN_KEY):
        self.url = url
        self.key = key

    def env(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("FERRY_")}
        env.update({"FERRY_URL": self.url, "FERRY_API_KEY": self.key})
        return env

    def run(self, *args, stdin=None):
        return subprocess.run([FERRY] + list(args), input=stdin, capture_output=True,
                              text=True, env=self.env(), timeout=CLI_TIMEOUT)

    def popen(self, *args):
        return subprocess.Popen([FERRY] + list(args), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=self.env())


class PtyRun:
    """`ferry ARGS` with a pseudo-terminal (120 columns) as its stdin, stdout and stderr;
    a thread collects everything it writes."""

    def __init__(self, cli, *args):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.proc = subprocess.Popen([FERRY] + list(args), stdin=slave, stdout=slave,
                                     stderr=slave, env=cli.env(), close_fds=True)
        os.close(slave)
        self.master = master
        self.chunks = []
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            ready, _, _ = select.select([self.master], [], [], 1.0)
            if not ready:
                if self.proc.poll() is not None:
                    return
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO: the child closed the terminal
                return
            if not data:
                return
            with self.lock:
                self.chunks.append(data)

    def output(self):
        with self.lock:
            return b"".join(self.chunks).decode("utf-8", "replace")

    def wait(self, timeout=CLI_TIMEOUT):
        rc = self.proc.wait(timeout=timeout)
        self.reader.join(timeout=30)
        os.close(self.master)
        return rc


class CliTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ferry_cli_")
        cls.faults = os.path.join(cls.tmp, "faults")
        os.mkdir(cls.faults)
        cls.fake = FakeEmbeddingServer(api_key=EMBED_KEY).start()
        config = os.path.join(cls.tmp, "ferryd.toml")
        with open(config, "w") as f:
            f.write(CONFIG % {"url": cls.fake.url(), "env": KEY_ENV})
        cls.server = Ferryd(extra_args=["--config", config],
                            env={KEY_ENV: EMBED_KEY, "FERRYD_TEST_FAULT_DIR": cls.faults}).start()
        cls.api = cls.server.client()
        cls.cli = Cli("http://127.0.0.1:%d" % cls.server.port)
        cls.make_source("clisrc", "fake_embed", ["watched text %d" % i for i in range(40)])
        cls.make_source("holdsrc", "text_extractor",
                        ["held text %d [hold:gate]" % i for i in range(6)])
        cls.make_source("failsrc", "text_extractor",
                        ["plain %d" % i for i in range(3)] + ["flaky [fail:flaky]"])

    @classmethod
    def tearDownClass(cls):
        cls.set_fault("gate", False)
        cls.fake.reset()
        cls.server.cleanup()
        cls.fake.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def set_fault(cls, name, on):
        path = os.path.join(cls.faults, name)
        if on:
            open(path, "w").close()
        elif os.path.exists(path):
            os.remove(path)

    @classmethod
    def make_source(cls, name, extractor, texts):
        """A namespace `name` with a collection `docs` over a bucket holding `texts`."""
        status, body = cls.api.post("/v1/namespaces", {"namespace_name": name,
                                                       "feature_extractors": [
            {"feature_extractor_name": extractor, "version": "v1"}]})
        assert status == 200, body
        c = cls.server.client(namespace=name)
        status, bucket = c.post("/v1/buckets", {"bucket_name": "docs", "bucket_schema": SCHEMA})
        assert status == 200, bucket
        mapping = {"input_mappings": {"text": "content"}} if extractor == "fake_embed" else {}
        status, col = c.post("/v1/collections", {
            "collection_name": "docs",
            "source": {"type": "bucket", "bucket_ids": [bucket["bucket_id"]]},
            "feature_extractor": dict({"feature_extractor_name": extractor, "version": "v1"},
                                      **mapping)})
        assert status == 200, col
        ids = [c.post("/v1/buckets/docs/objects", {"blobs": [
            {"property": "content", "type": "text", "data": t}]})[1]["object_id"] for t in texts]
        batch = c.post("/v1/buckets/docs/batches", {"object_ids": ids})[1]
        task = c.post("/v1/buckets/docs/batches/%s/submit" % batch["batch_id"])[1]
        wait_task(c, task["task_id"])
        c.conn.close()

    def setUp(self):
        self.fake.latency = 0
        self.set_fault("gate", False)

    def ok(self, result, code=0):
        self.assertEqual(result.returncode, code,
                         "stdout:\n%s\nstderr:\n%s" % (result.stdout, result.stderr))
        return result.stdout

    def create(self, *flags, start=True):
        """`ferry --output json migrations create FLAGS [--start]`: the migration id."""
        out = self.ok(self.cli.run("--output", "json", "migrations", "create", *flags,
                                   *(["--start"] if start else [])))
        created = json.loads(out)
        self.assertTrue(created["validation_result"]["valid"], created)
        return created["migration_id"]

    def slow_re_extract(self):
        """A started re_extract of clisrc to fake_embed@v2, one model request per batch of 2,
        each answered after LATENCY."""
        self.fake.latency = LATENCY
        mid = self.create("--type", "re_extract", "--source", "clisrc", "--extractor",
                          "fake_embed@v2", "--batch-size", "2", "--workers", "2", start=False)
        # A re_extract has validation warnings (vectors change): it starts with --force.
        self.ok(self.cli.run("migrations", "start", mid, "--force"))
        return mid

    def held_extend(self):
        """A started extend of holdsrc whose extractions wait while the gate exists."""
        self.set_fault("gate", True)
        mid = self.create("--type", "extend", "--source", "holdsrc", "--extractor",
                          "fault_extractor@v1", "--batch-size", "2")

        def processing():
            got = self.api.get(BASE + "/" + mid)[1]
            return got["progress"]["stages"][2]["status"] == "in_progress"
        wait_until(processing, "batch_processing to run")
        return mid

    def status_of(self, mid):
        status, body = self.api.get(BASE + "/" + mid)
        self.assertEqual(status, 200, body)
        return body["status"]

    # ---- every command once ----

    def test_health_and_namespaces(self):
        self.assertEqual(self.ok(self.cli.run("health")), "status: ok\n")
        listed = self.ok(self.cli.run("namespaces", "list"))
        header = listed.splitlines()[0]
        self.assertEqual(header.split(), ["ID", "NAME", "EXTRACTORS", "DOCUMENTS", "CREATED"])
        row = [line for line in listed.splitlines() if " clisrc " in line][0]
        self.assertIn("fake_embed@v1", row)
        # Columns are aligned: every row's NAME starts where the header's does.
        self.assertEqual(row.index(" clisrc ") + 1, header.index("NAME"))
        got = self.ok(self.cli.run("namespaces", "get", "clisrc"))
        self.assertIn("namespace_name: clisrc\n", got)
        # -n is sent as the namespace header: `get` without an ID shows that namespace.
        got = json.loads(self.ok(self.cli.run("-n", "holdsrc", "--output", "json",
                                              "namespaces", "get")))
        self.assertEqual(got["namespace_name"], "holdsrc")

    def test_migration_lifecycle_through_every_command(self):
        # validate: flags, then a config file; an invalid config exits 1.
        out = self.ok(self.cli.run("migrations", "validate", "--type", "copy", "--source",
                                   "failsrc", "--dry-run"))
        self.assertIn("valid: yes", out)
        out = self.ok(self.cli.run("migrations", "validate", "--type", "copy", "--source",
                                   "no_such_namespace"), 1)
        self.assertIn("valid: no", out)
        self.assertIn("no_such_namespace", out)
        config = os.path.join(self.tmp, "copy.json")
        with open(config, "w") as f:
            json.dump({"config": {"migration_type": "copy", "source_namespace_id": "failsrc",
                                  "batch_options": {"batch_size": 50}}}, f)
        # create from the file, with a flag on top; a draft until started.
        mid = self.create("-f", config, "--target-name", "cli_copy_target", start=False)
        self.assertEqual(self.status_of(mid), "draft")
        created = self.api.get(BASE + "/" + mid)[1]
        self.assertEqual(created["config"]["target_namespace_name"], "cli_copy_target")
        self.assertEqual(created["config"]["batch_options"]["batch_size"], 50)
        # list --status and get, as tables.
        listed = self.ok(self.cli.run("migrations", "list", "--status", "draft"))
        self.assertEqual(listed.splitlines()[0].split(),
                         ["ID", "TYPE", "STATUS", "PROGRESS", "CREATED"])
        self.assertRegex(listed, r"%s\s+copy\s+draft\s+0\.0%%" % mid)
        self.assertNotIn(mid, self.ok(self.cli.run("migrations", "list", "--status",
                                                   "completed")))
        got = self.ok(self.cli.run("migrations", "get", mid))
        self.assertIn("migration_id: %s\n" % mid, got)
        for stage in ("namespace_setup", "batch_processing", "finalization"):
            self.assertIn(stage, got)
        # start, then watch without a terminal until it completes.
        out = self.ok(self.cli.run("migrations", "start", mid, "--force"))
        self.assertIn("migration_id: %s" % mid, out)
        watched = self.ok(self.cli.run("migrations", "watch", mid))
        self.assertTrue(watched.splitlines()[-1].startswith(mid + " completed 100.0%"),
                        watched)
        self.assertEqual(self.status_of(mid), "completed")
        # cancel of a finished migration is the server's error; delete works.
        refused = self.cli.run("migrations", "cancel", mid, "--reason", "late")
        self.assertEqual(refused.returncode, 3, refused.stderr)
        self.assertTrue(refused.stderr.startswith("error: "), refused.stderr)
        self.assertEqual(self.ok(self.cli.run("migrations", "delete", mid)), "deleted %s\n" % mid)
        gone = self.cli.run("migrations", "get", mid)
        self.assertEqual(gone.returncode, 3)
        self.assertIn("HTTP 404", gone.stderr)

    def test_failed_items_and_retry(self):
        self.set_fault("flaky", True)
        mid = self.create("--type", "extend", "--source", "failsrc", "--extractor",
                          "fault_extractor@v1")
        self.assertEqual(self.ok(self.cli.run("migrations", "watch", mid)).splitlines()[-1]
                         .split()[1], "completed")
        items = self.ok(self.cli.run("migrations", "failed-items", mid))
        self.assertEqual(items.splitlines()[0].split(),
                         ["ID", "RESOURCE", "TYPE", "BATCH", "ATTEMPTS", "STATUS", "ERROR"])
        self.assertIn("1 of 1 failed item(s)", items)
        self.assertIn("flaky", items)
        self.set_fault("flaky", False)  # the cause is gone
        out = self.ok(self.cli.run("migrations", "retry", mid))
        self.assertIn("items_to_retry: 1", out)
        self.wait_migration(mid)
        items = json.loads(self.ok(self.cli.run("--output", "json", "migrations",
                                                "failed-items", mid)))
        self.assertTrue(all(i["status"] != "failed" for i in items["results"]), items)

    # ---- errors ----

    def test_bad_flag_prints_usage_and_exits_64(self):
        for args in (["migrations", "get", "--no-such-flag", "x"], ["--output", "yaml", "health"],
                     ["migrations", "start"], []):
            result = self.cli.run(*args)
            self.assertEqual(result.returncode, 64, (args, result.stderr))
            self.assertIn("Usage:", result.stderr, args)
            self.assertEqual(result.stdout, "")

    def test_unreachable_server_is_one_line(self):
        url = "http://127.0.0.1:%d" % closed_port()
        result = Cli(url, key="sk_secret_never_shown").run("migrations", "list")
        self.assertEqual(result.returncode, 4)
        self.assertEqual(result.stdout, "")
        self.assertEqual(result.stderr.count("\n"), 1, result.stderr)
        self.assertIn("cannot reach the Ferry server at " + url, result.stderr)
        self.assertNotIn("sk_secret_never_shown", result.stderr)

    def test_server_error_prints_message_and_type(self):
        result = self.cli.run("migrations", "get", "mig_does_not_exist")
        self.assertEqual(result.returncode, 3)
        self.assertRegex(result.stderr, r"^error: .*mig_does_not_exist.* \(\w+, HTTP 404\)\n$")
        self.assertNotIn("{", result.stderr)  # no raw JSON
        bad_key = Cli(self.cli.url, key="sk_wrong_key_000000000000").run("migrations", "list")
        self.assertEqual(bad_key.returncode, 3)
        self.assertRegex(bad_key.stderr, r"^error: .+ \(\w+, HTTP 401\)\n$")
        self.assertNotIn("sk_wrong_key", bad_key.stderr)
        invalid = self.cli.run("migrations", "create", "--type", "copy", "--source", "failsrc",
                               "--batch-size", "5000")
        self.assertEqual(invalid.returncode, 3)
        self.assertIn("batch_size", invalid.stderr)
        self.assertIn("HTTP 422", invalid.stderr)

    # ---- watch ----

    def test_watch_on_a_terminal_redraws_in_place_until_completed(self):
        mid = self.slow_re_extract()
        run = PtyRun(self.cli, "migrations", "watch", mid)
        rc = run.wait()
        out = run.output()
        self.assertEqual(rc, 0, out[-3000:])
        self.assertEqual(self.status_of(mid), "completed")
        # Redraws in place: the cursor goes back up over the previous frame and clears it.
        redraws = re.findall(r"\x1b\[(\d+)F\x1b\[J", out)
        self.assertGreaterEqual(len(redraws), 2, out[-3000:])
        # The batch_processing bar advanced through several values up to 100%.
        seen = [float(p) for p in re.findall(r"batch_processing\s+\[[#-]+\]\s+([\d.]+)%", out)]
        self.assertGreaterEqual(len(set(seen)), 3, seen)
        self.assertEqual(seen, sorted(seen))
        self.assertEqual(seen[-1], 100.0)
        self.assertIn("overall [", out)
        self.assertIn("items/s", out)
        self.assertIn("ETA", out)
        self.assertIn("resources (busiest first", out)
        self.assertIn("failures: 0 item(s)", out)
        self.assertRegex(out.split("\x1b[J")[-1], r"%s\s+re_extract\s+completed" % mid)

    def requests_logged(self, since):
        """(method, path, status) of the requests ferryd logged after line `since`."""
        out = []
        for line in self.server.stderr_lines[since:]:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if "path" in entry and "method" in entry:
                out.append((entry["method"], entry["path"], entry.get("status")))
        return out

    def test_watch_without_a_terminal_prints_one_line_per_change(self):
        mid = self.slow_re_extract()
        since = len(self.server.stderr_lines)
        result = self.cli.run("migrations", "watch", mid)
        lines = self.ok(result).splitlines()
        # It followed ferryd's event stream: the events route answered 200 and the
        # migration was not polled (ferryd logs a stream when it ends).
        events = ("GET", BASE + "/%s/events" % mid, "200")
        wait_until(lambda: events in self.requests_logged(since), "the stream's log line")
        self.assertNotIn(("GET", BASE + "/" + mid, "200"), self.requests_logged(since))
        self.assertNotIn("polling", result.stderr)
        self.assertNotIn("\x1b", result.stdout)
        self.assertGreaterEqual(len(lines), 3, lines)
        for before, after in zip(lines, lines[1:]):
            self.assertNotEqual(before, after)  # a line only when something changed
        for line in lines:
            self.assertRegex(line, r"^%s \w+ [\d.]+%%( stage=\w+)? items=\d+/\d+ failed=\d+$"
                             % mid)
        self.assertTrue(lines[-1].startswith(mid + " completed 100.0%"), lines[-1])

    def test_watch_exits_2_for_a_migration_cancelled_while_watched(self):
        mid = self.held_extend()
        watch = self.cli.popen("migrations", "watch", mid)
        first = watch.stdout.readline()  # the watch is running
        self.assertTrue(first.startswith(mid + " in_progress"), first)
        self.assertEqual(self.cli.run("migrations", "cancel", mid, "--reason", "cli test")
                         .returncode, 0)
        out, err = watch.communicate(timeout=CLI_TIMEOUT)
        self.assertEqual(watch.returncode, 2, out + err)
        self.assertTrue((first + out).splitlines()[-1].startswith(mid + " cancelled"), out)

    def test_ctrl_c_exits_130_and_leaves_the_migration_running(self):
        mid = self.held_extend()
        run = PtyRun(self.cli, "migrations", "watch", mid)
        wait_until(lambda: "batch_processing" in run.output(), "the first frame")
        run.proc.send_signal(signal.SIGINT)
        rc = run.wait()
        self.assertEqual(rc, 130, run.output()[-2000:])
        self.assertIn("keeps running", run.output())
        self.assertEqual(self.status_of(mid), "in_progress")
        self.set_fault("gate", False)
        self.wait_migration(mid)


class ScriptedServer:
    """A small HTTP server standing in for ferryd: GET of the migration answers the next
    state of `states` (the last one repeats); /events answers 404 (no stream) or, with
    `stream`, a text/event-stream of `stream` events, closing after `close_after` of them
    (the stream breaks) on the first connection. Records every request line and header."""

    def __init__(self, states, stream=None, close_after=None):
        self.states = states
        self.stream = stream
        self.close_after = close_after
        self.requests = []
        self.gets = 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.requests.append((self.path, dict(self.headers)))
                if self.path.endswith("/events"):
                    outer.events(self)
                else:
                    outer.get(self)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def send(self, handler, status, body, content_type="application/json"):
        data = body.encode()
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def get(self, handler):
        state = self.states[min(self.gets, len(self.states) - 1)]
        self.gets += 1
        self.send(handler, 200, json.dumps(state))

    def events(self, handler):
        if self.stream is None:
            self.send(handler, 404, json.dumps({"success": False, "status": 404, "error": {
                "message": "route not found", "type": "NotFound", "details": None}}))
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Cache-Control", "no-store")
        handler.send_header("Connection", "close")
        handler.end_headers()
        last = handler.headers.get("Last-Event-ID")
        events = self.stream
        if last is not None:  # a reconnect: only what follows that state
            events = events[[e[0] for e in events].index(last) + 1:]
        elif self.close_after is not None:
            events = events[:self.close_after]
        out = ": keep-alive\n\n"
        for event_id, kind, state in events:
            out += "id: %s\nevent: %s\ndata: %s\n\n" % (event_id, kind, json.dumps(state))
        handler.wfile.write(out.encode())
        handler.wfile.flush()
        handler.close_connection = True


def migration(status, percent, done=0, total=10, failed=0, error=None):
    stages = [{"stage": s, "status": "pending", "progress_percent": 0, "items_total": 0,
               "items_completed": 0, "items_failed": 0}
              for s in ("namespace_setup", "batch_creation", "batch_processing",
                        "cluster_execution", "taxonomy_enrichment", "benchmark_evaluation",
                        "finalization")]
    stages[2].update({"status": status, "progress_percent": percent, "items_total": total,
                      "items_completed": done, "items_failed": failed})
    return {"migration_id": "mig_scripted", "status": status, "error_message": error,
            "config": {"migration_type": "copy"},
            "progress": {"overall_progress_percent": percent, "current_stage": "batch_processing",
                         "stages": stages, "resources": []}}


class WatchStreamAndFallbackTest(unittest.TestCase):
    def watch(self, server):
        self.addCleanup(server.stop)
        return Cli(server.url).run("migrations", "watch", "mig_scripted")

    def test_polls_every_second_when_the_event_stream_answers_404(self):
        server = ScriptedServer([migration("in_progress", 10, 1), migration("in_progress", 50, 5),
                                 migration("completed", 100, 10)])
        result = self.watch(server)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.splitlines(), [
            "mig_scripted in_progress 10.0% stage=batch_processing items=1/10 failed=0",
            "mig_scripted in_progress 50.0% stage=batch_processing items=5/10 failed=0",
            "mig_scripted completed 100.0% stage=batch_processing items=10/10 failed=0"])
        paths = [p for p, _ in server.requests]
        self.assertEqual(paths[0], BASE + "/mig_scripted/events")
        self.assertEqual(paths[1:], [BASE + "/mig_scripted"] * 3)
        self.assertIn("polling", result.stderr)

    def test_exit_1_for_a_failed_migration(self):
        server = ScriptedServer([migration("in_progress", 10, 1),
                                 migration("failed", 40, 4, error="target unreachable")])
        result = self.watch(server)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(result.stdout.splitlines()[-1],
                         "mig_scripted failed 40.0% stage=batch_processing items=4/10 "
                         "failed=0 error=target unreachable")

    def test_reads_the_event_stream_and_resumes_it_with_last_event_id(self):
        stream = [("v1", "migration", migration("in_progress", 20, 2)),
                  ("v2", "migration", migration("in_progress", 70, 7)),
                  ("v3", "end", migration("cancelled", 70, 7))]
        server = ScriptedServer([migration("in_progress", 20, 2)], stream=stream, close_after=1)
        result = self.watch(server)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual([line.split()[1:3] for line in result.stdout.splitlines()],
                         [["in_progress", "20.0%"], ["in_progress", "70.0%"],
                          ["cancelled", "70.0%"]])
        streams = [(p, h) for p, h in server.requests if p.endswith("/events")]
        self.assertEqual(len(streams), 2, server.requests)
        self.assertNotIn("Last-Event-ID", streams[0][1])
        self.assertEqual(streams[1][1].get("Last-Event-ID"), "v1")
        self.assertEqual(streams[0][1].get("Authorization"), "Bearer " + ADMIN_KEY)
        # Between the broken stream and the reconnect, one GET at most (the poll that
        # follows a break); no polling while the stream works.
        self.assertLessEqual(server.gets, 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
