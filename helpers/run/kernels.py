"""Fresh kernels without paying for the imports every time: a kernel template ("zygote").

Measured on the 2-core machine (issue 13), a scorecard execution spent about 0.9 s starting a
kernel and 1.9 s importing pandas, statsmodels, seaborn and the helpers before computing
anything: close to half its time. A zygote is a process, one per run on each host that executes
notebooks, that imports all of that once and then *forks* one new process per kernel. Each
kernel is still a new process that has run nothing but imports (no notebook's variables,
figures or caches can reach another notebook: the zygote never runs notebook code, and a
kernel is never reused), but it starts in about a tenth of a second.

What a forked kernel shares with its siblings is what ``import`` leaves behind, the same as a
fresh kernel would have, with one difference worth knowing: numpy's global random state is
copied, not seeded from the OS (Python's ``random`` is reseeded on fork). Notebooks that want
random numbers seed their own generator anyway.

Safety:
- The zygote runs no Python thread and no notebook code. The native thread pools that numpy
  (OpenBLAS) and pyarrow start on import re-create their threads in a forked child (they
  register fork handlers), as with multiprocessing's forkserver preloading the same modules.
- The zygote exits when the process that started it exits (it polls), and after
  ``IDLE_S`` seconds without a request; its kernels exit when it does (ipykernel's parent
  poller) and when the execution process that asked for them dies (a watcher thread here), so
  a stopped or killed run leaves no kernel behind.
- ``SDG17_KERNEL_ZYGOTE=0`` turns it off: every kernel is then started by jupyter_client as
  usual. A zygote that fails to start is reported in the execution's log and the kernel is
  started as usual too.

Protocol: one JSON line per request over TCP on 127.0.0.1 (a Unix socket would be nicer, but
the test suite's socket guard allows only loopback TCP), ``{"token", "args", "env", "cwd",
"log"}`` answered by ``{"pid": N}`` or ``{"error": "..."}``. The token, a random secret the
zygote gets through its environment, keeps other local users from asking it for a process.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import importlib
import json
import os
import pkgutil
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ENV_SWITCH = "SDG17_KERNEL_ZYGOTE"
_TOKEN_ENV = "SDG17_ZYGOTE_TOKEN"
IDLE_S = 300.0  # a zygote nobody asked for a kernel for this long exits
START_TIMEOUT_S = 90.0
# What the notebooks import: libraries, then every module of the layers notebooks call.
PRELOAD = (
    "numpy",
    "pandas",
    "scipy.stats",
    "statsmodels.api",
    "matplotlib",
    "matplotlib.pyplot",
    "seaborn",
    "pyarrow.parquet",
    "IPython",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "matplotlib_inline.backend_inline",
)
PRELOAD_PACKAGES = ("helpers.notebook", "helpers.topics")


def enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "1").strip().lower() not in ("0", "false", "no", "off")


# -- the side that asks (the process hosting executions: runner or Dask worker) -------------
class Zygote:
    """A started zygote process and its socket."""

    def __init__(self, env: dict):
        self.run_id = env.get("SDG17_RUN_ID")
        self.dir = Path(tempfile.mkdtemp(prefix="sdg17-zygote-"))  # mode 0700
        self.port_file = self.dir / "port"
        self.token = secrets.token_hex(16)
        self.address: str | None = None  # "PORT:TOKEN" once ready
        self.log = self.dir / "zygote.log"
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "helpers.run.kernels",
                    str(self.port_file),
                    str(os.getpid()),
                ],
                env={**os.environ, **env, _TOKEN_ENV: self.token},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,  # a Ctrl-C at the terminal reaches only the runner
            )
        self.last_used = time.monotonic()

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> None:
        """Block until the zygote accepts requests.

        Raises:
            RuntimeError: it exited or did not answer in time (its log says why).
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kernel zygote exited: {self._tail()}")
            if self.port_file.exists():
                self.address = f"{self.port_file.read_text().strip()}:{self.token}"
                return
            time.sleep(0.05)
        raise RuntimeError(f"kernel zygote not ready after {timeout:.0f} s: {self._tail()}")

    def _tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-1500:].strip() or "(no output)"
        except OSError:
            return "(no log)"

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


_ZYGOTES: dict[str, Zygote] = {}
_LOCK = threading.Lock()


def start(env: dict) -> Zygote | None:
    """Start the zygote for this environment (one per run per host) unless it runs already;
    does not wait for it. None when turned off."""
    if not enabled() or not env.get("SDG17_RUN_ID"):
        return None
    key = hashlib.sha256(json.dumps(env, sort_keys=True).encode()).hexdigest()
    with _LOCK:
        zygote = _ZYGOTES.get(key)
        if zygote is None or zygote.proc.poll() is not None:
            zygote = _ZYGOTES[key] = Zygote(env)
        zygote.last_used = time.monotonic()
    return zygote


def zygote_for(env: dict) -> str | None:
    """The address of a ready zygote for this environment, started if need be; None when
    turned off. Raises RuntimeError when it cannot start."""
    zygote = start(env)
    if zygote is None:
        return None
    zygote.wait_ready()
    return zygote.address


def close(run_id: str | None = None) -> int:
    """Stop the zygotes of ``run_id`` (all when None); returns how many."""
    with _LOCK:
        keys = [k for k, z in _ZYGOTES.items() if run_id is None or z.run_id == run_id]
        for k in keys:
            _ZYGOTES.pop(k).close()
    return len(keys)


def fork_kernel(address: str, args: list[str], env: dict, cwd: str, log: str) -> int:
    """Ask the zygote at ``address`` (``PORT:TOKEN``) for a kernel; returns its pid."""
    port, token = address.split(":", 1)
    with socket.create_connection(("127.0.0.1", int(port)), timeout=30) as sock:
        request = {"token": token, "args": args, "env": env, "cwd": cwd, "log": log}
        sock.sendall(json.dumps(request).encode() + b"\n")
        reply = json.loads(sock.makefile("rb").readline() or b"{}")
    if "pid" not in reply:
        raise RuntimeError(f"kernel zygote refused: {reply.get('error', 'no answer')}")
    return int(reply["pid"])


class ForkedProcess:
    """What jupyter_client's provisioner needs of a ``Popen`` for a kernel that is not our
    child: poll, wait, signals. Children of the zygote are reaped by it."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and not _alive(self.pid):
            self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _alive(pid: int) -> bool:
    """Is ``pid`` running (a zombie awaiting its reaper counts as gone)?"""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


# -- the zygote process ----------------------------------------------------------------------
def _preload() -> None:
    for name in PRELOAD:
        importlib.import_module(name)
    for package in PRELOAD_PACKAGES:
        pkg = importlib.import_module(package)
        for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{package}."):
            importlib.import_module(info.name)


def _serve(port_file: str, owner: int) -> None:
    token = os.environ.pop(_TOKEN_ENV, "").encode()
    _preload()
    server = socket.create_server(("127.0.0.1", 0), backlog=16)
    Path(port_file + ".tmp").write_text(str(server.getsockname()[1]))
    os.rename(port_file + ".tmp", port_file)  # the port appears once it can be used
    server.settimeout(0.5)
    idle_since = time.monotonic()
    while os.getppid() == owner and time.monotonic() - idle_since < IDLE_S:
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        try:
            conn, _ = server.accept()
        except TimeoutError:
            continue
        idle_since = time.monotonic()
        with conn:
            conn.settimeout(30)
            try:
                request = json.loads(conn.makefile("rb").readline())
                if not token or not hmac.compare_digest(
                    str(request.pop("token", "")).encode(), token
                ):
                    raise PermissionError("wrong token")
                pid = os.fork()
                if pid == 0:
                    server.close()
                    conn.close()
                    _kernel(request)  # never returns
                reply = {"pid": pid}
            except Exception as exc:  # a bad request must not stop the zygote
                reply = {"error": f"{type(exc).__name__}: {exc}"}
            conn.sendall(json.dumps(reply).encode() + b"\n")


def _kernel(request: dict) -> None:
    """In the forked child: become the kernel the request describes."""
    code = 1
    try:
        os.setsid()  # its own process group, which jupyter_client signals as a whole
        fd = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        asker = int(request["env"].get("JPY_PARENT_PID") or 0)
        if asker > 1:
            threading.Thread(target=_exit_with, args=(asker,), daemon=True).start()
        from ipykernel import kernelapp

        sys.argv = [sys.executable, "-m", "ipykernel_launcher", *request["args"]]
        kernelapp.launch_new_instance(argv=request["args"])
        code = 0
    except BaseException as exc:
        print(f"forked kernel failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    finally:
        os._exit(code)


def _exit_with(pid: int) -> None:
    """The execution process that asked for this kernel is gone: so is the kernel."""
    while _alive(pid):
        time.sleep(0.5)
    os._exit(1)


if __name__ == "__main__":
    _serve(sys.argv[1], int(sys.argv[2]))
