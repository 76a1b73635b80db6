"""The execution worker's own plumbing."""

from __future__ import annotations

import os
import subprocess
import sys


def test_a_forked_kernel_logs_to_a_file_never_to_a_pipe_name(tmp_path):
    """stderr that is a pipe reads as "pipe:[123]" under /proc: the kernel must not create a
    file of that name in its working directory."""
    code = "from helpers.run import worker; print(worker._log_target())"
    piped = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert piped.stdout.strip() == os.devnull
    log = tmp_path / "worker.log"
    with log.open("w") as err:
        to_file = subprocess.run(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=err, text=True, check=True
        )
    assert to_file.stdout.strip() == str(log)
    assert list(tmp_path.iterdir()) == [log]
