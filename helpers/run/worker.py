"""What a runner worker process does: execute one notebook with papermill, then render it.

Each execution gets its own process (see ``helpers.run.runner``), started in its own session so a
Ctrl-C at the terminal reaches only the runner, which then stops workers itself. A worker
that outlives the runner gets SIGTERM from the kernel (``PR_SET_PDEATHSIG``), and a kernel
that outlives its worker exits on its own (ipykernel polls its parent).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import wait
from pathlib import Path

from helpers import paths

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
            kernel_manager_class=_kernel_manager_class(spec["kernel"]),
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
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(notebook, as_version=4)
    full, _ = html_exporter().from_notebook_node(nb, resources={"metadata": {"name": stem}})
    reader_exporter = html_exporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    reader_exporter.register_preprocessor(TagRemovePreprocessor(**READER_TAGS), enabled=True)
    title = _title(folder, stem)
    reader, _ = reader_exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    (folder / f"{stem}.html").write_text(full, encoding="utf-8")
    (folder / f"{stem}.reader.html").write_text(reader, encoding="utf-8")


def _title(folder: Path, stem: str) -> str:
    """The title the notebook gave its page (``findings.json``), else the file name."""
    try:
        return json.loads((folder / paths.FINDINGS_FILE).read_text(encoding="utf-8"))["title"]
    except (OSError, ValueError, KeyError, TypeError):
        return stem


def _kernel_manager_class(kernel: str):
    """A kernel manager that runs the native ``python3`` kernel with this interpreter.

    jupyter_client already swaps a kernelspec's bare ``python`` for ``sys.executable``, but a
    ``python3`` kernelspec found first on the Jupyter path (a user-level one, or one written by
    another environment) may name an absolute interpreter elsewhere. Pinning the native
    kernel to ``sys.executable`` means notebooks always see this virtualenv's packages.
    """
    from jupyter_client.manager import AsyncKernelManager

    class PinnedKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            cmd = super().format_kernel_cmd(extra_arguments)
            if kernel == NATIVE_KERNEL and cmd[1:3] == ["-m", "ipykernel_launcher"]:
                cmd[0] = sys.executable
            return cmd

    return PinnedKernelManager


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
