"""Executes one prepared submission for `river grade` and reports each code cell's outcome as JSON.

Every cell runs (allow_errors), so one failing test does not hide the next. The whole notebook shares
one deadline (--timeout seconds, counted from when the kernel is ready, or from when the notebook is
handed over with --serve): a cell still running at the deadline is cut, the kernel is shut down at
once, and the cells after it are reported as not run. A kernel that dies (System.exit, a crash, out of
memory) ends the run the same way, and so does a notebook whose outputs pass --output-limit bytes
(a flood): the cell is cut and reported as an "OutputLimit" error.

With --serve the kernel is started first, "KERNEL-READY" is printed, and the job is then read from
stdin as one JSON line {"notebook", "out", "timeout", "output_limit"}; this lets `river grade` start
kernels ahead of need. The report is written to OUT as
{"cells": [{"index", "status": ok|error|not-run, "ename", "evalue", "traceback", "seconds"}], "stopped",
"detail", "kernel_start_seconds", "seconds"}.
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


class CappedClient(NotebookClient):
    """A client that keeps at most output_limit bytes of outputs and cuts the cell that floods past it."""

    output_limit = 0
    output_bytes = 0
    flooded = False

    def output(self, outs, msg, display_id, cell_index):
        if self.output_limit > 0:
            content = msg.get("content", {})
            size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
            self.output_bytes += size
            if self.output_bytes > self.output_limit:
                if not self.flooded:
                    self.flooded = True
                    if self.task_poll_for_reply is not None:
                        self.task_poll_for_reply.cancel()   # ends execute_cell (as a dead kernel would)
                return None
        return super().output(outs, msg, display_id, cell_index)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("notebook", nargs="?")
    p.add_argument("out", nargs="?")
    p.add_argument("--kernel", default="river")
    p.add_argument("--timeout", type=int, default=300)
    p.add_argument("--output-limit", type=int, default=0, help="bytes of output the whole notebook may print (0: no limit)")
    p.add_argument("--serve", action="store_true", help="start the kernel, print KERNEL-READY, then read the job from stdin")
    p.add_argument("--save", help="write the executed notebook here")
    p.add_argument("--graceful", action="store_true",
                   help="shut the kernel down with a request, not a kill (so a JVM asked to write a class-data archive at exit can)")
    a = p.parse_args()
    if not a.serve and (a.notebook is None or a.out is None):
        p.error("NOTEBOOK and OUT are needed without --serve")
    placeholder = nbformat.v4.new_notebook()
    client = CappedClient(placeholder if a.serve else nbformat.read(a.notebook, as_version=4), kernel_name=a.kernel,
                          timeout=a.timeout, allow_errors=True,
                          shutdown_kernel="graceful" if a.graceful else "immediate", startup_timeout=120,
                          resources={"metadata": {"path": os.getcwd() if a.serve else os.path.dirname(os.path.abspath(a.notebook))}})
    client.output_limit = a.output_limit
    cells = []
    stopped, detail = None, None
    started = time.monotonic()
    ready = None
    kernel_start = None
    nb = client.nb
    try:
        with client.setup_kernel():
            ready = time.monotonic()
            kernel_start = ready - started
            if a.graceful:
                client.km.shutdown_wait_time = 120   # its JVM writes a class-data archive as it exits
            if a.serve:
                print("KERNEL-READY", flush=True)
                line = sys.stdin.readline()
                if not line.strip():
                    return   # no job: the grader is closing its pool
                job = json.loads(line)
                a.out, a.timeout = job["out"], int(job["timeout"])
                client.output_limit = int(job.get("output_limit", 0))
                nb = nbformat.read(job["notebook"], as_version=4)
                client.nb = nb
                started = time.monotonic()
            deadline = time.monotonic() + a.timeout
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
                    if client.flooded:
                        stopped, detail = "output-limit", "cell %d printed more than the output limit of %d bytes, and was cut" % (
                            index + 1, client.output_limit)
                        cells.append({"index": index, "status": "error", "ename": "OutputLimit",
                                      "evalue": "this cell printed more than the output limit of %d bytes" % client.output_limit,
                                      "traceback": ""})
                        continue
                    stopped, detail = "dead-kernel", "the kernel died (System.exit, a crash or out of memory) while running cell %d" % (index + 1)
                    cells.append({"index": index, "status": "error", "ename": "KernelDied",
                                  "evalue": "the kernel died while running this cell (System.exit, a crash or out of memory)",
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
    if a.out is None:
        return
    done = {c["index"] for c in cells}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and index not in done:
            cells.append({"index": index, "status": "not-run"})
    if a.save:
        nbformat.write(nb, a.save)
    with open(a.out, "w") as f:
        json.dump({"cells": cells, "stopped": stopped, "detail": detail,
                   "kernel_start_seconds": None if kernel_start is None else round(kernel_start, 2),
                   "seconds": round(time.monotonic() - started, 2)}, f)


if __name__ == "__main__":
    main()
