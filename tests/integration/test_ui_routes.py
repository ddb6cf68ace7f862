"""The dashboard's static files at /ui/ (src/api/ui_routes.cc): served without a key, with
their Content-Type, no-cache and a Content-Security-Policy; /ui redirects to /ui/; every
way out of the ui directory (.., encoded .., absolute paths, symlinks) is a 404 envelope
that names no server path; ferryd finds build/ui beside itself when ui_dir is not set."""
import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ferry_harness import FERRYD, Ferryd, FerryTestCase  # noqa: E402

SECRET = "top secret server file"


class UiRoutesTest(FerryTestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ferry_ui_")
        cls.ui = os.path.join(cls.tmp, "ui")
        os.makedirs(os.path.join(cls.ui, "sub"))
        files = {"index.html": "<!doctype html><title>t</title>", "app.js": "export {};",
                 "style.css": "body{}", "sub/graph.svg": "<svg/>", "notes": "plain"}
        for name, text in files.items():
            with open(os.path.join(cls.ui, name), "w") as f:
                f.write(text)
        with open(os.path.join(cls.tmp, "secret.key"), "w") as f:
            f.write(SECRET)
        os.symlink(os.path.join(cls.tmp, "secret.key"), os.path.join(cls.ui, "leak.txt"))
        os.symlink(cls.tmp, os.path.join(cls.ui, "up"))
        cls.server = Ferryd(env={"FERRY_UI_DIR": cls.ui}).start()
        cls.api = cls.server.client()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def get(self, path):
        return self.api.raw("GET", path)

    def assertNotFound(self, path):
        status, body, headers = self.get(path)
        self.assertEqual(status, 404, path)
        self.assertNotIn(SECRET, body)
        self.assertNotIn(self.ui, body)  # no server path in the message
        err = json.loads(body)
        self.assertEqual((err["success"], err["status"]), (False, 404), body)
        self.assertTrue(err["error"]["message"], body)

    def test_files_are_served_with_their_type_and_headers(self):
        for path, ctype, text in (("/ui/", "text/html; charset=utf-8", "<!doctype html>"),
                                  ("/ui/index.html", "text/html; charset=utf-8", "<title>"),
                                  ("/ui/app.js", "text/javascript; charset=utf-8", "export"),
                                  ("/ui/style.css", "text/css; charset=utf-8", "body"),
                                  ("/ui/sub/graph.svg", "image/svg+xml", "<svg/>"),
                                  ("/ui/notes", "application/octet-stream", "plain")):
            status, body, headers = self.get(path)
            self.assertEqual(status, 200, path)
            self.assertIn(text, body)
            self.assertEqual(headers["Content-Type"], ctype, path)
            self.assertEqual(headers["Cache-Control"], "no-cache")
            csp = headers["Content-Security-Policy"]
            self.assertIn("default-src 'self'", csp)
            self.assertIn("script-src 'self'", csp)
            self.assertNotIn("unsafe-inline", csp)
            self.assertEqual(headers["X-Content-Type-Options"], "nosniff")

    def test_ui_redirects_to_the_folder(self):
        status, _, headers = self.get("/ui")
        self.assertEqual(status, 301)
        self.assertEqual(headers["Location"], "/ui/")

    def test_no_key_is_needed_and_a_bad_one_is_ignored(self):
        status, _, _ = self.api.raw("GET", "/ui/app.js", headers={"Authorization": "Bearer nope"})
        self.assertEqual(status, 200)

    def test_traversal_and_absolute_paths_are_refused(self):
        for path in ("/ui/../secret.key", "/ui/%2e%2e/secret.key", "/ui/%2E%2E%2Fsecret.key",
                     "/ui/..%2fsecret.key", "/ui/sub/../../secret.key", "/ui/%2Fetc%2Fpasswd",
                     "/ui//etc/passwd", "/ui/%2F" + self.tmp.lstrip("/").replace("/", "%2F")
                     + "%2Fsecret.key", "/ui/..%5csecret.key", "/ui/index.html%00.js",
                     "/ui/./index.html", "/ui/sub/", "/ui/sub", "/ui/missing.js",
                     "/ui/leak.txt", "/ui/up/secret.key"):
            self.assertNotFound(path)

    def test_other_methods_are_not_allowed(self):
        status, body, _ = self.api.raw("POST", "/ui/app.js", body="x")
        self.assertEqual(status, 405, body)


class DefaultUiDirTest(unittest.TestCase):
    """Without ui_dir, ferryd serves the ui folder beside its binary (build/ui)."""

    def test_build_ui_beside_ferryd_is_served(self):
        beside = os.path.join(os.path.dirname(os.path.abspath(FERRYD)), "ui", "index.html")
        self.assertTrue(os.path.exists(beside), "the build copies ui/ beside ferryd")
        server = Ferryd().start()
        try:
            status, body, headers = server.client().raw("GET", "/ui/")
            self.assertEqual(status, 200)
            with open(beside) as f:
                self.assertEqual(body, f.read())
            self.assertEqual(headers["Content-Type"], "text/html; charset=utf-8")
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
