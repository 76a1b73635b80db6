"""What an execution process does: execute one notebook with papermill, then render it.

Each execution gets its own process, forked by the Dask task that runs it
(``helpers.run.engine.run_execution``, through a :class:`Pool` of one) and started in its own
session so a Ctrl-C at the terminal reaches only the runner, which then stops executions
itself. An execution process that outlives its task's thread gets SIGTERM from the kernel
(``PR_SET_PDEATHSIG``), and a kernel that outlives its execution process exits on its own
(ipykernel polls its parent; a forked kernel watches the process that asked for it).
"""

from __future__ import annotations

import functools
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import wait
from pathlib import Path

from helpers import paths
from helpers.run import kernels

NATIVE_KERNEL = "python3"


def isonow() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class _Worker:
    tag: object
    proc: multiprocessing.Process
    conn: object
    t0: float


class Pool:
    """Up to ``jobs`` worker processes at once, one per execution.

    Workers are forked (cheap: papermill and nbconvert are already imported) where the
    platform allows it, spawned elsewhere. Each result comes back through a pipe.
    """

    def __init__(self, jobs: int):
        self.jobs = jobs
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self._ctx = multiprocessing.get_context(method)
        self._running: dict[int, _Worker] = {}

    @property
    def busy(self) -> bool:
        return bool(self._running)

    @property
    def full(self) -> bool:
        return len(self._running) >= self.jobs

    def start(self, tag, spec: dict, env: dict, log_path: Path) -> None:
        """Start a worker executing ``spec``; ``tag`` comes back with its result."""
        recv, send = self._ctx.Pipe(duplex=False)
        proc = self._ctx.Process(
            target=worker_main,
            name=f"sdg17-run:{Path(spec['folder']).name}",
            args=(spec, env, str(log_path), send),
        )
        proc.start()
        send.close()
        self._running[proc.sentinel] = _Worker(tag, proc, recv, time.monotonic())

    def finished(self, timeout: float) -> list[tuple[object, dict]]:
        """``(tag, result)`` of workers that ended within ``timeout`` seconds."""
        done = []
        for sentinel in wait(list(self._running), timeout=timeout):
            done.append(self._reap(self._running.pop(sentinel)))
        return done

    def stop(
        self, grace: float, hurry: Callable[[], bool] = lambda: False
    ) -> list[tuple[object, dict]]:
        """SIGTERM every worker (each shuts its kernel down), SIGKILL those still alive after
        ``grace`` seconds or as soon as ``hurry()``; returns what each reported."""
        workers = list(self._running.values())
        for w in workers:
            if w.proc.is_alive():
                w.proc.terminate()
        deadline = time.monotonic() + grace
        while self._running and time.monotonic() < deadline and not hurry():
            for sentinel in wait(list(self._running), timeout=0.25):
                del self._running[sentinel]
        for w in self._running.values():
            w.proc.kill()
        self._running.clear()
        return [self._reap(w) for w in workers]

    @staticmethod
    def _reap(w: _Worker) -> tuple[object, dict]:
        w.proc.join()
        try:
            result = w.conn.recv() if w.conn.poll() else None
        except (EOFError, OSError):  # died without a word
            result = None
        finally:
            w.conn.close()
        result = result or {
            "status": "failed",
            "error": f"worker exited with code {w.proc.exitcode}",
        }
        result.setdefault("duration_s", round(time.monotonic() - w.t0, 3))
        return w.tag, result


def worker_main(spec: dict, env: dict, log_path: str, conn) -> None:
    """Process entry: execute ``spec`` and send the result dict through ``conn``."""
    os.setsid()
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    # The worker's (and so the kernel's) stdout/stderr go to a log file, not over the
    # progress bar; the runner deletes it if nothing was written.
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.environ.update(env)
    try:
        result = execute(spec)
    except KeyboardInterrupt:
        result = {"status": "interrupted", "error": "stopped by the runner"}
    conn.send(result)
    conn.close()


def execute(spec: dict) -> dict:
    """Execute one notebook into ``spec["folder"]`` and render both HTML versions.

    A failing cell does not raise: papermill saves the notebook with the error, which is
    rendered like any other so the report shows where it failed.

    Args:
        spec: ``input`` (notebook path), ``folder``, ``stem``, ``params`` (with
            ``output_dir``), ``kernel``, ``timeout`` (seconds per cell or None), ``cwd``.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    folder = Path(spec["folder"])
    out = folder / f"{spec['stem']}.ipynb"
    started, t0 = isonow(), time.monotonic()
    status, error = "ok", None
    try:
        papermill.execute_notebook(
            spec["input"],
            str(out),
            parameters=spec["params"],
            kernel_name=spec["kernel"],
            cwd=spec["cwd"],
            progress_bar=False,
            log_output=False,
            execution_timeout=spec.get("timeout"),
            kernel_manager_class=_kernel_manager_class(spec["kernel"], spec.get("zygote")),
            # outputs are saved by then; also lets a stopped worker exit at once
            shutdown_kernel="immediate",
        )
    except PapermillExecutionError as exc:
        status = "failed"
        error = f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
    except Exception as exc:  # kernel died, timeout, unreadable notebook: still report it
        status = "failed"
        error = f"{type(exc).__name__}: {exc}"
    if out.exists():
        try:
            render_html(out, folder, spec["stem"])
        except Exception as exc:
            status = "failed"
            error = (error + "; " if error else "") + f"HTML rendering failed: {exc}"
    if error and len(error) > 2000:  # the result travels through a pipe; keep it small
        error = error[:2000] + "..."
    return {
        "status": status,
        "error": error,
        "started_at": started,
        "ended_at": isonow(),
        "duration_s": round(time.monotonic() - t0, 3),
    }


# nbconvert's lab template with the blocks that load scripts from a CDN emptied: require.js
# (for widgets and JavaScript outputs, which the notebooks do not make), MathJax (the
# notebooks write no math: ``page.md`` escapes ``$``) and mermaid (no diagrams). The reports
# then make no network request of their own and read the same offline; images are embedded.
# A figure's PNG carries the alt text ``page`` gives it (output metadata ``alt``), which the lab
# template would otherwise replace with nbconvert's "No description has been provided".
OFFLINE_TEMPLATE = """\
{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
alt="{{ ((output | get_metadata('alt', 'image/png')) or 'Figure') | escape_html }}">
</div>
{%- endblock data_png %}
"""


def html_exporter(**options):
    """nbconvert's ``HTMLExporter`` (lab template) writing self-contained pages."""
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab", raw_template=OFFLINE_TEMPLATE, embed_images=True, **options
    )


# Cell tags (the names Jupyter Book and Quarto use): ``remove-cell`` drops a plumbing cell
# (parameter check, loading, asserts) from the reader version; ``remove-input`` keeps only
# a cell's output. The reader version hides all code anyway; the full version keeps it.
READER_TAGS = {
    "remove_cell_tags": ("remove-cell", "injected-parameters"),
    "remove_input_tags": ("remove-input",),
}


def render_html(notebook: Path, folder: Path, stem: str) -> None:
    """Write ``<stem>.html`` (everything) and ``<stem>.reader.html`` (plumbing cells and code
    hidden, titled from the notebook's ``findings.json``), both self-contained (see
    ``OFFLINE_TEMPLATE``)."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    full_exporter, reader_exporter = _exporters()
    full, _ = full_exporter.from_notebook_node(nb, resources={"metadata": {"name": stem}})
    title = _title(folder, stem)
    reader, _ = reader_exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    (folder / f"{stem}.html").write_text(full, encoding="utf-8")
    (folder / f"{stem}.reader.html").write_text(reader, encoding="utf-8")


_WARM_LOCK = threading.Lock()


@functools.cache
def _exporters():
    """The two exporters, made once per process: building one compiles nbconvert's templates,
    which took most of a report's 0.7 s rendering time."""
    from nbconvert.preprocessors import TagRemovePreprocessor

    reader = html_exporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    reader.register_preprocessor(TagRemovePreprocessor(**READER_TAGS), enabled=True)
    return html_exporter(), reader


def warm() -> None:
    """Import papermill and nbconvert and compile the report templates in this process, once,
    so the execution processes forked from it start with all of that done."""
    with _WARM_LOCK:
        if getattr(warm, "done", False):
            return
        import nbformat
        import papermill  # noqa: F401 (imported for the processes forked from this one)

        empty = nbformat.v4.new_notebook()
        for exporter in _exporters():
            exporter.from_notebook_node(empty, resources={"metadata": {"name": "warm"}})
        warm.done = True


def _title(folder: Path, stem: str) -> str:
    """The title the notebook gave its page (``findings.json``), else the file name."""
    try:
        return json.loads((folder / paths.FINDINGS_FILE).read_text(encoding="utf-8"))["title"]
    except (OSError, ValueError, KeyError, TypeError):
        return stem


def _kernel_manager_class(kernel: str, zygote: str | None = None):
    """A kernel manager that runs the native ``python3`` kernel with this interpreter, forked
    from the kernel zygote at ``zygote`` when one is given (:mod:`helpers.run.kernels`).

    jupyter_client already swaps a kernelspec's bare ``python`` for ``sys.executable``, but a
    ``python3`` kernelspec found first on the Jupyter path (a user-level one, or one written by
    another environment) may name an absolute interpreter elsewhere. Pinning the native
    kernel to ``sys.executable`` means notebooks always see this virtualenv's packages.
    """
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.provisioning import LocalProvisioner

    class ForkedProvisioner(LocalProvisioner):
        """Launches the kernel command by asking the zygote to fork it."""

        async def launch_kernel(self, cmd, **kwargs):
            args = _launcher_args(cmd)
            if not zygote or args is None:
                return await super().launch_kernel(cmd, **kwargs)
            env = dict(kwargs.get("env") or os.environ)
            cwd = str(kwargs.get("cwd") or os.getcwd())
            pid = kernels.fork_kernel(zygote, args, env, cwd, _log_target())
            self.process = kernels.ForkedProcess(pid)
            self.pid = self.pgid = pid  # the kernel leads its own process group
            self.cwd = cwd
            return self.connection_info

    class PinnedKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            cmd = super().format_kernel_cmd(extra_arguments)
            if kernel == NATIVE_KERNEL and _launcher_args(cmd) is not None:
                cmd[0] = sys.executable
            return cmd

        async def _async_pre_start_kernel(self, **kw):
            out = await super()._async_pre_start_kernel(**kw)
            if zygote and kernel == NATIVE_KERNEL and type(self.provisioner) is LocalProvisioner:
                # the provisioner jupyter_client made, with its launch swapped for a fork
                self.provisioner.__class__ = ForkedProvisioner
            return out

    return PinnedKernelManager


def _launcher_args(cmd: list[str]) -> list[str] | None:
    """The arguments after ``-m ipykernel_launcher`` in a kernel command (``python
    -Xfrozen_modules=off -m ipykernel_launcher -f FILE``), or None for another kernel."""
    for i in range(1, len(cmd) - 1):
        if cmd[i : i + 2] == ["-m", "ipykernel_launcher"]:
            return cmd[i + 2 :]
    return None


def _log_target() -> str:
    """Where this process writes (its log file, see ``worker_main``), for the forked kernel;
    ``os.devnull`` when stderr is not a file (a pipe or a terminal reads as ``pipe:[...]``
    or ``/dev/pts/N``, which must not be opened as a path)."""
    try:
        target = os.readlink("/proc/self/fd/2")
    except OSError:
        return os.devnull
    return target if os.path.isabs(target) and os.path.isfile(target) else os.devnull


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt


def _die_with_parent() -> None:
    """Ask Linux to send SIGTERM to this worker if the runner dies (no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
