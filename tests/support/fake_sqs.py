"""A stand-in SQS endpoint: the answers the real local server never gives (5xx, bad checksums)."""

import http.server
import json
import threading

import pytest


class FakeSQS(http.server.BaseHTTPRequestHandler):
    """Answers every POST with the server's `answers` in turn (status, JSON body)."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests += 1
        status, body = self.server.answers[min(self.server.requests, len(self.server.answers)) - 1]
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def fake_sqs():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeSQS)
    server.requests, server.answers = 0, []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()
