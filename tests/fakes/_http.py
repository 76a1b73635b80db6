"""What both stand-in servers share: writing one HTTP response."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler


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
