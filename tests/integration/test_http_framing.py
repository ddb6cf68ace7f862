"""HTTP/1.1 framing and the connection cap, with raw bytes on sockets to a real ferryd.

A request whose length the server could read differently from a proxy in front of it
(RFC 9112 §6.1, §6.3; obs-fold, Host) gets exactly one error response, in the API's error
envelope, and its connection is closed, so that the rest of its bytes can never be served
as a second, smuggled request. Beyond max_connections, a new connection gets 503 and is
closed; once a connection closes, a new one is served again."""
import json
import os
import socket
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import ADMIN_KEY, Ferryd, FerryTestCase, wait_until  # noqa: E402

DEADLINE = 30  # seconds a socket may wait for the server (a deadline, not a pace)

# The request of issue 10, byte for byte, with a valid key.
SMUGGLING = (
    "POST /v1/namespaces/migrations/validate HTTP/1.1\r\nHost: x\r\n"
    "Authorization: Bearer " + ADMIN_KEY + "\r\nContent-Type: application/json\r\n"
    "Transfer-Encoding: gzip\r\n\r\n"
    "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: smuggled\r\nConnection: close\r\n\r\n"
).encode()

POST = ("POST /v1/namespaces/migrations/validate HTTP/1.1\r\nHost: x\r\n"
        "Authorization: Bearer %s\r\nContent-Type: application/json\r\n" % ADMIN_KEY)
BODY = "{}"
# (name, raw request, status, error type); every one is followed by a request that must
# never be answered.
REFUSED = [
    ("te_gzip_then_chunked", POST + "Transfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
     501, "NotImplemented"),
    ("te_chunked_then_gzip", POST + "Transfer-Encoding: chunked, gzip\r\n\r\n", 501,
     "NotImplemented"),
    ("te_and_cl", POST + "Transfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\n" + BODY, 400,
     "BadRequest"),
    ("cl_and_te_chunked", POST + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n" + BODY,
     400, "BadRequest"),
    ("cl_twice", POST + "Content-Length: 2\r\nContent-Length: 2\r\n\r\n" + BODY, 400,
     "BadRequest"),
    ("cl_list", POST + "Content-Length: 2, 2\r\n\r\n" + BODY, 400, "BadRequest"),
    ("cl_different", POST + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n" + BODY, 400,
     "BadRequest"),
    ("cl_invalid", POST + "Content-Length: 0x2\r\n\r\n" + BODY, 400, "BadRequest"),
    ("obs_fold", POST + "X-Fold: a\r\n b\r\nContent-Length: 2\r\n\r\n" + BODY, 400,
     "BadRequest"),
    ("no_host", "GET /healthz HTTP/1.1\r\n\r\n", 400, "BadRequest"),
    ("two_hosts", "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "BadRequest"),
]
FOLLOWER = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: smuggled\r\n\r\n"


def read_response(sock, buffered=b""):
    """Reads one HTTP response (framed by Content-Length) from `sock`; returns (status,
    headers with lowercase names, body bytes, bytes read past it)."""
    data = buffered
    while b"\r\n\r\n" not in data:
        data += recv_some(sock, "a response header")
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers["content-length"])
    while len(rest) < length:
        rest += recv_some(sock, "a response body")
    return status, headers, rest[:length], rest[length:]


def recv_some(sock, what):
    sock.settimeout(DEADLINE)
    try:
        chunk = sock.recv(65536)
    except socket.timeout:
        raise AssertionError("no %s within %ss" % (what, DEADLINE))
    if not chunk:
        raise AssertionError("connection closed before %s" % what)
    return chunk


def assert_closed(sock, leftover):
    """The server sent nothing more and closed the connection (recv returns b"")."""
    assert leftover == b"", "a second response: %r" % leftover[:200]
    sock.settimeout(DEADLINE)
    try:
        more = sock.recv(65536)
    except socket.timeout:
        raise AssertionError("the connection was not closed within %ss" % DEADLINE)
    assert more == b"", "a second response: %r" % more[:200]


class FramingTest(FerryTestCase):
    def connect(self):
        sock = socket.create_connection(("127.0.0.1", self.server.port), timeout=DEADLINE)
        self.addCleanup(sock.close)
        return sock

    def assertEnvelope(self, body, status, error_type):
        envelope = json.loads(body)
        self.assertEqual(envelope["success"], False)
        self.assertEqual(envelope["status"], status)
        self.assertEqual(envelope["error"]["type"], error_type)
        self.assertTrue(envelope["error"]["message"])

    def test_the_smuggling_example_gets_one_501_and_is_closed(self):
        sock = self.connect()
        sock.sendall(SMUGGLING)
        status, headers, body, leftover = read_response(sock)
        self.assertEqual(status, 501)
        self.assertEnvelope(body, 501, "NotImplemented")
        self.assertEqual(headers["connection"], "close")
        self.assertNotEqual(headers["x-request-id"], "smuggled")
        assert_closed(sock, leftover)

    def test_every_unsafe_framing_gets_one_error_and_is_closed(self):
        for name, request, want_status, error_type in REFUSED:
            with self.subTest(name):
                sock = self.connect()
                sock.sendall((request + FOLLOWER).encode())
                status, headers, body, leftover = read_response(sock)
                self.assertEqual(status, want_status, body)
                self.assertEnvelope(body, want_status, error_type)
                self.assertEqual(headers["connection"], "close")
                assert_closed(sock, leftover)

    def test_sound_framing_keeps_the_connection(self):
        # The control for the oracle above: chunked and Content-Length bodies are read, and
        # the request after each is answered on the same connection.
        sock = self.connect()
        chunked = POST + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
        sized = POST + "Content-Length: 2\r\n\r\n" + BODY
        sock.sendall((chunked + sized + FOLLOWER).encode())
        leftover = b""
        for want in ("validate", "validate", "healthz"):
            status, headers, body, leftover = read_response(sock, leftover)
            self.assertNotIn(status, (400, 501), body)
            self.assertNotEqual(headers.get("connection"), "close")
            if want == "healthz":
                self.assertEqual((status, json.loads(body)), (200, {"status": "ok"}))
                self.assertEqual(headers["x-request-id"], "smuggled")


class ConnectionCapTest(unittest.TestCase):
    CAP = 3

    def setUp(self):
        self.server = Ferryd(env={"FERRY_MAX_CONNECTIONS": str(self.CAP)}).start()
        self.addCleanup(self.server.cleanup)

    def open_served(self):
        """A keep-alive connection that was admitted: it got a response and stays open."""
        sock = socket.create_connection(("127.0.0.1", self.server.port), timeout=DEADLINE)
        self.addCleanup(sock.close)
        sock.sendall(FOLLOWER.encode())
        return sock, read_response(sock)[0]

    def test_a_connection_over_the_cap_gets_503_until_one_closes(self):
        idle = []
        for _ in range(self.CAP):
            sock, status = self.open_served()
            self.assertEqual(status, 200)
            idle.append(sock)

        over = socket.create_connection(("127.0.0.1", self.server.port), timeout=DEADLINE)
        self.addCleanup(over.close)
        status, headers, body, leftover = read_response(over)  # sent on accept, unasked
        self.assertEqual(status, 503)
        envelope = json.loads(body)
        self.assertEqual((envelope["status"], envelope["error"]["type"]),
                         (503, "ServiceUnavailable"))
        self.assertEqual(headers["connection"], "close")
        assert_closed(over, leftover)

        idle.pop().close()

        # ferryd notices the close asynchronously: until it has, a new connection may still
        # get 503; then one is served.
        def served():
            sock, status = self.open_served()
            if status == 503:
                sock.close()
                return None
            return sock, status
        sock, status = wait_until(served, "a connection to be served after one closed",
                                  timeout=DEADLINE)
        self.assertEqual(status, 200)
        for sock in idle:  # the idle ones were kept
            sock.sendall(FOLLOWER.encode())
            self.assertEqual(read_response(sock)[0], 200)


if __name__ == "__main__":
    unittest.main()
