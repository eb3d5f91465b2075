"""Downloads against a server on 127.0.0.1 that misbehaves on purpose: errors,
slowness, short bodies and redirects, each with the retry policy it deserves."""

import hashlib
import http.server
import threading
import time

import pytest

from xldistill.errors import DownloadError
from xldistill.data.fetch import download

BODY = b"Eins.\nZwei.\n"
SHA = hashlib.sha256(BODY).hexdigest()


class Misbehaving(http.server.BaseHTTPRequestHandler):
    """Each path is one kind of bad server; ``hits`` counts requests per path."""

    hits: dict = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.path.split("?")[0]
        n = self.hits[path] = self.hits.get(path, 0) + 1
        if path == "/flaky.txt" and n <= 2:  # two 503s, then the file
            return self.send_error(503, "busy")
        if path == "/missing.txt":
            return self.send_error(404, "no such file")
        if path == "/slow.txt":
            time.sleep(1.5)  # longer than the client's timeout
        if path in ("/to-file.txt", "/to-ftp.txt"):
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd" if path == "/to-file.txt" else "ftp://127.0.0.1/x")
            return self.end_headers()
        if path == "/to-http.txt":
            self.send_response(301)
            self.send_header("Location", "/flaky.txt")
            return self.end_headers()
        self.send_response(200)
        if path == "/short.txt":  # promises more bytes than it sends, then hangs up
            self.send_header("Content-Length", str(len(BODY) * 4))
            self.end_headers()
            self.wfile.write(BODY)
            self.wfile.flush()
            self.close_connection = True
            return
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # the client hanging up on a slow or short answer is the point of these tests


@pytest.fixture
def server():
    Misbehaving.hits = {}
    httpd = QuietServer(("127.0.0.1", 0), Misbehaving)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", Misbehaving.hits
    httpd.shutdown()


def test_server_errors_are_retried_with_backoff_then_succeed(server, tmp_path, capsys):
    base, hits = server
    started = time.perf_counter()
    path = download(f"{base}/flaky.txt", tmp_path, SHA, timeout=5, retries=3, backoff_s=0.1)
    assert path.read_bytes() == BODY and hits["/flaky.txt"] == 3
    assert time.perf_counter() - started >= 0.1 + 0.2  # waited 0.1 s, then 0.2 s
    assert capsys.readouterr().err.count("retrying in") == 2


def test_client_errors_are_not_retried(server, tmp_path):
    base, hits = server
    with pytest.raises(DownloadError, match=r"missing\.txt: HTTP 404"):
        download(f"{base}/missing.txt", tmp_path, SHA, timeout=5, retries=3, backoff_s=0)
    assert hits["/missing.txt"] == 1


def test_a_timeout_is_retried_then_reported(server, tmp_path):
    base, hits = server
    with pytest.raises(DownloadError, match=r"slow\.txt: download failed after 2 tries: .*timed out"):
        download(f"{base}/slow.txt", tmp_path, SHA, timeout=0.3, retries=1, backoff_s=0)
    assert hits["/slow.txt"] == 2


def test_a_short_body_is_retried_then_reported_and_leaves_no_file(server, tmp_path):
    base, hits = server
    with pytest.raises(DownloadError, match=r"short\.txt: download failed after 2 tries: .*(truncated|Incomplete)"):
        download(f"{base}/short.txt", tmp_path, SHA, timeout=5, retries=1, backoff_s=0)
    assert hits["/short.txt"] == 2 and not list(tmp_path.iterdir())


def test_redirects_go_to_http_only(server, tmp_path):
    base, hits = server
    with pytest.raises(DownloadError, match="redirect to a non-http\\(s\\) URL refused: ftp://127.0.0.1/x"):
        download(f"{base}/to-ftp.txt", tmp_path, SHA, timeout=5, retries=3, backoff_s=0)
    with pytest.raises(DownloadError, match="HTTP 302 .*'file:///etc/passwd' is not allowed"):
        download(f"{base}/to-file.txt", tmp_path, SHA, timeout=5, retries=3, backoff_s=0)
    assert hits["/to-ftp.txt"] == hits["/to-file.txt"] == 1  # a refused redirect is not retried
    assert download(f"{base}/to-http.txt", tmp_path, SHA, timeout=5, retries=3, backoff_s=0).read_bytes() == BODY


def test_a_checksum_mismatch_leaves_no_file(server, tmp_path):
    base, _ = server
    with pytest.raises(DownloadError, match=f"checksum mismatch: expected sha256 {'0' * 64}, got {SHA}"):
        download(f"{base}/good.txt", tmp_path, "0" * 64, timeout=5, retries=0)
    assert not list(tmp_path.iterdir())


def test_connection_refused_is_retried_then_reported(tmp_path):
    with pytest.raises(DownloadError, match="download failed after 2 tries"):
        download("http://127.0.0.1:9/corpus.zip", tmp_path, SHA, timeout=2, retries=1, backoff_s=0)
