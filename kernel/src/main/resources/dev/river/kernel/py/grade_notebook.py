"""Executes one prepared submission for `river grade` and reports each code cell's outcome as JSON.

Every cell runs (allow_errors), so one failing test does not hide the next. The whole notebook shares
one deadline (--timeout seconds, counted from when the kernel is ready): a cell still running at the
deadline is cut, the kernel is shut down at once, and the cells after it are reported as not run. A
kernel that dies (System.exit, a crash) ends the run the same way. The report is written to OUT as
{"cells": [{"index", "status": ok|error|not-run, "ename", "evalue", "traceback", "seconds"}], "stopped", "detail",
"kernel_start_seconds", "seconds"}.
"""
import argparse
import json
import os
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("notebook")
    p.add_argument("out")
    p.add_argument("--kernel", default="river")
    p.add_argument("--timeout", type=int, default=300)
    p.add_argument("--save", help="write the executed notebook here")
    a = p.parse_args()
    nb = nbformat.read(a.notebook, as_version=4)
    client = NotebookClient(nb, kernel_name=a.kernel, timeout=a.timeout, allow_errors=True,
                            shutdown_kernel="immediate", startup_timeout=120,
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(a.notebook))}})
    cells = []
    stopped, detail = None, None
    started = time.monotonic()
    ready = None
    try:
        with client.setup_kernel():
            ready = time.monotonic()
            deadline = ready + a.timeout
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                if stopped:
                    cells.append({"index": index, "status": "not-run"})
                    continue
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    stopped, detail = "timeout", "the time limit of %g s was reached before this cell" % a.timeout
                    cells.append({"index": index, "status": "not-run"})
                    continue
                client.timeout = max(1, int(remaining + 0.999))
                t0 = time.monotonic()
                try:
                    client.execute_cell(cell, index)
                except CellTimeoutError:
                    stopped, detail = "timeout", "cell %d was still running at the time limit of %g s, and was cut" % (index + 1, a.timeout)
                    cells.append({"index": index, "status": "error", "ename": "Timeout",
                                  "evalue": "this cell was still running when the time limit of %g s was reached" % a.timeout,
                                  "traceback": ""})
                    continue
                except DeadKernelError as e:
                    stopped, detail = "dead-kernel", "the kernel died (System.exit or a crash) while running cell %d" % (index + 1)
                    cells.append({"index": index, "status": "error", "ename": "KernelDied",
                                  "evalue": "the kernel died while running this cell (System.exit or a crash)",
                                  "traceback": str(e)})
                    continue
                errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
                if errors:
                    e = errors[0]
                    cells.append({"index": index, "status": "error", "ename": e.get("ename", ""),
                                  "evalue": e.get("evalue", ""),
                                  "traceback": ANSI.sub("", "\n".join(e.get("traceback", [])))})
                else:
                    cells.append({"index": index, "status": "ok"})
                cells[-1]["seconds"] = round(time.monotonic() - t0, 2)
    except DeadKernelError as e:
        stopped, detail = stopped or "dead-kernel", detail or "the kernel died: %s" % e
    except Exception as e:  # the kernel did not start, or the client failed: report, never a bare traceback
        stopped, detail = stopped or "error", detail or "%s: %s" % (type(e).__name__, e)
    done = {c["index"] for c in cells}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and index not in done:
            cells.append({"index": index, "status": "not-run"})
    if a.save:
        nbformat.write(nb, a.save)
    with open(a.out, "w") as f:
        json.dump({"cells": cells, "stopped": stopped, "detail": detail,
                   "kernel_start_seconds": None if ready is None else round(ready - started, 2),
                   "seconds": round(time.monotonic() - started, 2)}, f)


if __name__ == "__main__":
    main()
