"""A small TCP proxy that end-to-end tests and bench/soak.py put between a process and a server.

Why: to make the database unreachable for one process only (the worker) while
the test itself and the web process keep their direct connections, and to
count exactly the connections a process opens. The server's own `Connections`
counter is shared with every other client of the server (parallel test runs
included), so it cannot tell one stack's connections apart; every connection
accepted here is exactly one connection to the server.

Threads and sockets only. `cut()` closes every open connection and from then
on refuses new ones (accepted, then reset at once, so the port stays ours);
`restore()` lets connections through again.
"""

import contextlib
import socket
import struct
import threading
import time

_LINGER_RESET = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s: close() sends a reset


class TcpProxy:
    """Forward 127.0.0.1:<port> to `target`; can be cut and restored."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._upstream_ports: dict[socket.socket, int] = {}
        self._cut = False
        self._closed = False
        self.latency_s = 0.0  # added before each reply from the target: a slow server
        self.accepted = 0  # connections forwarded to the target
        self.refused = 0  # connections reset because the proxy was cut
        self._thread = threading.Thread(target=self._accept_loop, name="tcp-proxy", daemon=True)

    def start(self) -> "TcpProxy":
        self._thread.start()
        return self

    @property
    def is_cut(self) -> bool:
        return self._cut

    def cut(self) -> None:
        """Drop every open connection (with a reset) and refuse new ones until `restore()`."""
        with self._lock:
            self._cut = True
            sockets, self._open = list(self._open), set()
            self._upstream_ports.clear()
        for sock in sockets:
            _reset(sock)

    def restore(self) -> None:
        """Let new connections through again."""
        with self._lock:
            self._cut = False

    def open_connections(self) -> int:
        """Connections currently forwarded (each one has two sockets here)."""
        with self._lock:
            return len(self._open) // 2

    def upstream_ports(self) -> set[int]:
        """Local ports of the open connections to the target.

        The server sees each forwarded connection as coming from
        127.0.0.1:<one of these>, which tells its processlist rows apart from
        those of other clients.
        """
        with self._lock:
            return set(self._upstream_ports.values())

    def close(self) -> None:
        """Stop accepting and drop everything (used at the end of a test)."""
        self._closed = True
        self.cut()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                refuse = self._cut or self._closed
                if refuse:
                    self.refused += 1
            if refuse:
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                if self._cut:  # cut while we were connecting
                    self.refused += 1
                    _reset(client)
                    _reset(upstream)
                    continue
                self.accepted += 1
                self._open.update((client, upstream))
                self._upstream_ports[upstream] = upstream.getsockname()[1]
            for source, sink, slow in ((client, upstream, False), (upstream, client, True)):
                threading.Thread(
                    target=self._pump,
                    args=(source, sink, slow),
                    name="tcp-proxy-pump",
                    daemon=True,
                ).start()

    def _pump(self, source: socket.socket, sink: socket.socket, slow: bool) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if slow and self.latency_s:
                    time.sleep(self.latency_s)
                sink.sendall(data)
        except OSError:
            pass
        # One side ended: end the other too, as a real connection would.
        with self._lock:
            self._open.discard(source)
            self._open.discard(sink)
            self._upstream_ports.pop(source, None)
            self._upstream_ports.pop(sink, None)
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def _reset(sock: socket.socket) -> None:
    # shutdown() wakes a pump thread blocked in recv() on this socket (close()
    # alone would not); the zero linger makes close() send a reset.
    for step in (
        lambda: sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_RESET),
        lambda: sock.shutdown(socket.SHUT_RDWR),
        sock.close,
    ):
        with contextlib.suppress(OSError):
            step()
