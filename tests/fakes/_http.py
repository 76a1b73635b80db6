"""What the stand-in servers share: writing one HTTP response, and (OECD, UN SDG) the server
that records requests and plays faults."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit


def send(
    handler: BaseHTTPRequestHandler, status: int, ctype: str, body: bytes, headers: dict[str, str]
) -> None:
    """Answer ``handler``'s request; a client that already gave up (a timeout test) is fine."""
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", ctype)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)
    except ConnectionError:  # BrokenPipeError and ConnectionResetError included
        handler.close_connection = True


@dataclass
class Rule:
    """A fault to play on the next ``remaining`` requests whose path and query match."""

    pattern: re.Pattern
    kind: str
    remaining: int
    kw: dict = field(default_factory=dict)


class StandInServer:
    """An HTTP stand-in on 127.0.0.1 that records requests and plays faults; the OECD and UN
    SDG stand-ins derive from it (the World Bank's predates it and keeps its own server).

    Subclasses set ``PREFIX`` (the API's path root) and ``FAULTS`` (the kinds ``fail`` takes;
    "hang" and "truncated" are played here, the others by ``answer``), and define
    ``record(path, query)`` (the request as the subclass's ``Seen``, with ``params`` and a
    ``status``), ``answer(path, params, rule)`` (status, content type, body, headers) and
    optionally ``truncate(body, rule)``. Use as a context manager.
    """

    PREFIX = ""
    FAULTS: tuple[str, ...] = ()

    def __init__(self, latency: float = 0.0, port: int = 0):
        self.latency = latency
        self.requests: list = []
        self._rules: list[Rule] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.PREFIX}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()

    def fail(self, pattern: str, kind: str, times: int = 1, **kw):
        """Misbehave (see the subclass's module docstring) on the next ``times`` matching
        requests."""
        if kind not in self.FAULTS:
            raise ValueError(f"unknown failure kind {kind!r}; use one of {self.FAULTS}")
        with self._lock:
            self._rules.append(Rule(re.compile(pattern), kind, times, kw))
        return self

    def data_requests(self) -> list:
        return [r for r in self.requests if r.kind == "data"]

    def _rule_for(self, target: str) -> Rule | None:
        with self._lock:
            for rule in self._rules:
                if rule.remaining > 0 and rule.pattern.search(target):
                    rule.remaining -= 1
                    return rule
        return None

    def truncate(self, body: bytes, rule: Rule) -> bytes:
        return body[: rule.kw.get("at", len(body) // 2)]


def _handler(standin: StandInServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            if standin.latency:
                time.sleep(standin.latency)
            split = urlsplit(self.path)
            path = unquote(split.path)
            path = path[len(standin.PREFIX) :] if path.startswith(standin.PREFIX) else path
            seen = standin.record(path, split.query)
            standin.requests.append(seen)
            rule = standin._rule_for(f"{path}?{split.query}")
            if rule and rule.kind == "hang":
                if standin._closing.wait(rule.kw.get("seconds", 10.0)):
                    return
                rule = None
            status, ctype, body, headers = standin.answer(path, seen.params, rule)
            if rule and rule.kind == "truncated":
                body = standin.truncate(body, rule)
            seen.status = status
            if hasattr(seen, "body"):
                seen.body = body
            send(self, status, ctype, body, headers)

    return Handler
