"""Test harness: starts a real ferryd on a free loopback port with its own data dir, and
talks to it over HTTP. Every JSON response is validated against the schema that the
server's own /openapi.json declares for that operation and status code.

Waiting is polling with a deadline (wait_until, wait_status): a short pause between polls,
and a final status other than the one awaited fails at once with the body. Requests are
retried only where that is safe (harness Client.raw): a lost connection after a write was
sent fails the test, and says whether ferryd is still running."""
import base64
import http.client
import json
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

import jsonschema

FERRYD = os.environ.get("FERRYD", os.path.join(os.path.dirname(__file__), "..", "build", "ferryd"))
DATA = os.environ.get("FERRY_TEST_DATA", os.path.join(os.path.dirname(__file__), "data"))
ADMIN_KEY = "sk_test_admin_0123456789abcdef"
POLL_PAUSE = 0.02  # seconds between two polls of a condition (pacing, not synchronization)
WAIT_TIMEOUT = 300  # seconds a wait may take before the test fails
START_TIMEOUT = 120  # seconds ferryd may take to listen
TASK_TERMINAL = ("COMPLETED", "FAILED", "COMPLETED_WITH_ERRORS", "CANCELED")
MIGRATION_TERMINAL = ("completed", "failed", "cancelled")
# With FERRY_TEST_PG_URL_FILE (ctest's `_pg` variants of the HTTP tests), every data dir
# gets its own database in the throwaway PostgreSQL cluster (tests/pg/pg_cluster.sh) and
# ferryd runs with --storage on it; a restart with the same data dir finds it again.
PG_URL_FILE = os.environ.get("FERRY_TEST_PG_URL_FILE")
STORAGE_URL_NAME = ".test_storage_url"


def storage_url_for(data_dir):
    """The PostgreSQL URL of `data_dir` (created on first use), or None when the tests run
    on embedded storage."""
    if not PG_URL_FILE:
        return None
    os.makedirs(data_dir, exist_ok=True)
    marker = os.path.join(data_dir, STORAGE_URL_NAME)
    if os.path.exists(marker):
        with open(marker) as f:
            return f.read().strip()
    with open(PG_URL_FILE) as f:
        cluster = f.read().strip()
    name = "t_%d_%s" % (os.getpid(), os.urandom(6).hex())
    subprocess.run(["psql", cluster, "-q", "-v", "ON_ERROR_STOP=1", "-c",
                    'CREATE DATABASE "%s"' % name], check=True, capture_output=True)
    url = cluster.rsplit("/", 1)[0] + "/" + name
    with open(marker, "w") as f:
        f.write(url)
    return url


# Methods a lost connection may repeat: they change nothing on the server.
IDEMPOTENT = ("GET", "HEAD", "OPTIONS")


def wait_until(probe, what, timeout=WAIT_TIMEOUT, pause=POLL_PAUSE):
    """Calls probe() until it returns a truthy value, which it returns; fails (AssertionError)
    after `timeout` seconds. probe may itself raise to fail at once."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %ss waiting for %s" % (timeout, what))
        time.sleep(pause)  # pacing between polls: the loop re-checks the condition


def wait_status(client, path, want, terminal, timeout=WAIT_TIMEOUT, field="status"):
    """Polls GET `path` until body[field] is one of `want`; returns that body (validated
    against the OpenAPI schema). Fails at once on any other status, on a status in
    `terminal` that is not wanted (with the body), and at the deadline."""
    want = (want,) if isinstance(want, str) else tuple(want)

    def probe():
        status, body = client.get(path, validate=False)
        if status != 200:
            raise AssertionError("GET %s answered %d: %s" % (path, status, json.dumps(body)))
        if body[field] in want:
            return body
        if body[field] in terminal:
            raise AssertionError("%s ended %s, not %s: %s" % (path, body[field], "/".join(want),
                                                             json.dumps(body)[:6000]))
        return None

    body = wait_until(probe, "%s to reach %s" % (path, "/".join(want)), timeout)
    client.openapi().validate("GET", path.split("?")[0], 200, body)
    return body


def wait_task(client, task_id, want=("COMPLETED",), timeout=WAIT_TIMEOUT):
    """Waits for a task to end with a status in `want`; any other end fails at once."""
    return wait_status(client, "/v1/tasks/" + task_id, want, TASK_TERMINAL, timeout)


def wait_migration(client, migration_id, want=("completed",), timeout=WAIT_TIMEOUT):
    """Waits for a migration to end with a status in `want`; any other end fails at once."""
    return wait_status(client, "/v1/namespaces/migrations/" + migration_id, want,
                       MIGRATION_TERMINAL, timeout)


class Ferryd:
    """One ferryd process. start() blocks until it logs its listening address."""

    def __init__(self, data_dir=None, extra_args=(), env=None):
        self.owns_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="ferry_test_")
        self.extra_args = list(extra_args)
        self.env = dict(env or {})
        self.proc = None
        self.port = None
        self.stdout_lines = []

    def start(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("FERRY_")}
        env.update({"FERRY_API_KEY": ADMIN_KEY, "FERRY_WORKERS": "2"})
        env.update(self.env)
        storage = storage_url_for(self.data_dir)
        storage_args = ["--storage", storage] if storage else []
        self.proc = subprocess.Popen(
            [FERRYD, "--data-dir", self.data_dir, "--listen", "127.0.0.1:0"] + storage_args
            + self.extra_args,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        self.stderr_lines = []
        # The deadline of the start: a ferryd that does not listen by then is killed.
        deadline = threading.Timer(START_TIMEOUT, self.proc.kill)
        deadline.start()
        try:
            for line in self.proc.stderr:
                self.stderr_lines.append(line)
                if '"ferryd listening"' in line:
                    addr = json.loads(line)["address"]
                    self.port = int(addr.rsplit(":", 1)[1])
                    break
            else:
                raise RuntimeError("ferryd exited before listening (killed after %ss?): rc=%s\n%s"
                                   % (START_TIMEOUT, self.proc.wait(),
                                      "".join(self.stderr_lines)))
        finally:
            deadline.cancel()
        # Keep draining the log: a full pipe would block the server on its next log line.
        self.drainer = threading.Thread(target=self._drain, args=(self.proc.stderr,),
                                        daemon=True)
        self.drainer.start()
        return self

    def _drain(self, stream):
        for line in stream:
            self.stderr_lines.append(line)

    def stop(self, sig=signal.SIGTERM):
        if self.proc is None:
            return None
        self.proc.send_signal(sig)
        rc = self.proc.wait(timeout=60)
        self.drainer.join()
        self.remaining_stderr = "".join(self.stderr_lines)
        self.stdout_lines = self.proc.stdout.read().splitlines()
        self.proc.stderr.close()
        self.proc.stdout.close()
        self.proc = None
        return rc

    def cleanup(self):
        if self.proc is not None:
            self.stop(signal.SIGKILL)
        if self.owns_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def client(self, key=ADMIN_KEY, namespace=None):
        return Client(self.port, key, namespace, server=self)

    def read_blob(self, content_hash):
        """The bytes of a stored blob: a file of the embedded store, or a row of PostgreSQL's
        `blobs` table (schema `ferry`)."""
        storage = storage_url_for(self.data_dir)
        if storage is None:
            with open(os.path.join(self.data_dir, "blobs", content_hash[:2],
                                   content_hash[2:]), "rb") as f:
                return f.read()
        out = subprocess.run(["psql", storage, "-At", "-v", "ON_ERROR_STOP=1", "-c",
                              "SELECT encode(bytes, 'hex') FROM ferry.blobs "
                              "WHERE content_hash = '%s'" % re.sub("[^0-9a-f]", "", content_hash)],
                             capture_output=True, text=True, check=True)
        if not out.stdout.strip():
            raise FileNotFoundError("blob " + content_hash)
        return bytes.fromhex(out.stdout.strip())

    def create_key(self, org):
        """`ferryd keys create` for organization `org` on this server's storage; the key."""
        storage = storage_url_for(self.data_dir)
        out = subprocess.run([FERRYD, "keys", "create", "--data-dir", self.data_dir, "--org", org]
                             + (["--storage", storage] if storage else []),
                             capture_output=True, text=True, check=True)
        return out.stdout.strip().splitlines()[-1]

    def state(self):
        """How the process is doing, for failure messages: running, or its exit and log."""
        if self.proc is None:
            return "ferryd is stopped"
        rc = self.proc.poll()
        if rc is None:
            return "ferryd is still running"
        return "ferryd exited with %s; last log lines:\n%s" % (
            rc, "".join(self.stderr_lines[-20:]))


class OpenApi:
    """Finds and checks the response schema of an operation in ferryd's /openapi.json."""

    def __init__(self, doc):
        self.doc = doc
        self.routes = []
        for path, ops in doc["paths"].items():
            pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", path.rstrip("/")) + "/?$"
            literals = len([s for s in path.split("/") if s and not s.startswith("{")])
            self.routes.append((literals, re.compile(pattern), path, ops))
        self.routes.sort(key=lambda r: -r[0])  # literal segments win, as in the router

    def response_schema(self, method, path, status):
        for _, rx, template, ops in self.routes:
            if rx.match(path) and method.lower() in ops:
                resp = ops[method.lower()]["responses"].get(str(status))
                if resp is None:
                    raise AssertionError("%s %s: status %d is not declared in openapi.json"
                                         % (method, template, status))
                content = resp.get("content", {}).get("application/json")
                return content.get("schema") if content else None
        return None

    def validate(self, method, path, status, body):
        schema = self.response_schema(method, path, status)
        if schema is None or body is None:
            return
        wrapped = dict(schema)
        wrapped["components"] = self.doc["components"]
        jsonschema.Draft202012Validator(wrapped).validate(body)


_OPENAPI = {}


class Client:
    """Keep-alive HTTP client for the Ferry API. `server` (a Ferryd), when given, is
    checked when a connection is lost, so a crash is reported as one."""

    def __init__(self, port, key, namespace, server=None):
        self.port = port
        self.key = key
        self.namespace = namespace
        self.server = server
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def _reconnect(self):
        self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)

    def _closed_by_server(self):
        """True when the idle keep-alive connection was closed by the server (its socket
        reads as ready: end of stream). Checked before sending, so nothing is lost."""
        sock = self.conn.sock
        if sock is None:
            return False
        try:
            return bool(select.select([sock], [], [], 0)[0])
        except (OSError, ValueError):
            return True

    def _lost(self, method, path, error):
        state = self.server.state() if self.server is not None else "no process to check"
        return AssertionError("connection lost during %s %s (%r); %s" % (method, path, error,
                                                                        state))

    def openapi(self):
        if self.port not in _OPENAPI:
            status, doc, _ = self.raw("GET", "/openapi.json")
            _OPENAPI[self.port] = OpenApi(json.loads(doc))
        return _OPENAPI[self.port]

    def raw(self, method, path, body=None, headers=None):
        hdrs = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            hdrs.setdefault("Content-Type", "application/json")
        if self._closed_by_server():  # an idle keep-alive connection the server timed out
            self._reconnect()
        for attempt in range(2):
            try:
                if self.conn.sock is None:
                    self.conn.connect()  # refused here: nothing was sent
            except ConnectionRefusedError as e:
                self._reconnect()
                if attempt == 1:
                    raise self._lost(method, path, e)
                continue
            try:
                self.conn.request(method, path, body=body, headers=hdrs)
                resp = self.conn.getresponse()
                data = resp.read().decode()
                return resp.status, data, dict(resp.getheaders())
            except (http.client.RemoteDisconnected, http.client.IncompleteRead,
                    ConnectionResetError, BrokenPipeError) as e:
                # The request may have reached the server: only a request that changes
                # nothing is sent again, and only while ferryd is still running.
                self._reconnect()
                alive = self.server is None or (self.server.proc is not None and
                                                self.server.proc.poll() is None)
                if attempt == 1 or method.upper() not in IDEMPOTENT or not alive:
                    raise self._lost(method, path, e)

    def call(self, method, path, body=None, namespace=None, key=None, headers=None,
             validate=True):
        hdrs = dict(headers or {})
        k = self.key if key is None else key
        if k:
            hdrs["Authorization"] = "Bearer " + k
        ns = namespace or self.namespace
        if ns:
            hdrs["X-Namespace"] = ns
        status, data, _ = self.raw(method, path, body, hdrs)
        parsed = json.loads(data) if data else None
        if validate:
            self.openapi().validate(method, path.split("?")[0], status, parsed)
        return status, parsed

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, {} if body is None else body, **kw)

    def patch(self, path, body, **kw):
        return self.call("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)


def b64_file(name):
    with open(os.path.join(DATA, name), "rb") as f:
        return base64.b64encode(f.read()).decode()


class FerryTestCase(unittest.TestCase):
    """One ferryd per test class; `self.api` is an admin client."""

    server_args = ()

    @classmethod
    def setUpClass(cls):
        cls.server = Ferryd(extra_args=cls.server_args).start()
        cls.api = cls.server.client()

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def tearDown(self):
        # ferryd must outlive every test: a crash that no request of the test noticed
        # fails the test it happened in.
        if self.server.proc is not None and self.server.proc.poll() is not None:
            self.fail("ferryd died during the test: " + self.server.state())

    def assertStatus(self, result, status):
        self.assertEqual(result[0], status, msg=json.dumps(result[1])[:2000])
        return result[1]

    def make_namespace(self, name, extractors=(("text_extractor", "v1"),)):
        body = {"namespace_name": name,
                "feature_extractors": [{"feature_extractor_name": n, "version": v}
                                       for n, v in extractors]}
        return self.assertStatus(self.api.post("/v1/namespaces", body), 200)

    def wait_task(self, client, task_id, want=TASK_TERMINAL, timeout=WAIT_TIMEOUT):
        """Polls a task until it ends; returns it. An end not in `want` fails at once."""
        return wait_task(client, task_id, want, timeout)

    def wait_migration(self, migration_id, want=("completed",), client=None,
                       timeout=WAIT_TIMEOUT):
        """Polls a migration until it ends; returns it. An end not in `want` fails at once."""
        return wait_migration(client or self.api, migration_id, want, timeout)
