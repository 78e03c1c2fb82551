"""Executes a notebook headless on a Jupyter kernel with nbclient; used by `river run NOTEBOOK.ipynb`.

Prints each code cell's output as it completes, and exits with status 1 at the first cell that fails
(its error is printed), after saving the executed notebook if --save was given.
"""
import argparse
import os
import re
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def show(cell, cell_index, **kwargs):
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            (sys.stdout if out.get("name") == "stdout" else sys.stderr).write(out.get("text", ""))
        elif kind in ("execute_result", "display_data"):
            text = out.get("data", {}).get("text/plain")
            if text:
                print(text if text.endswith("\n") else text + "\n", end="")
        elif kind == "error":
            print(ANSI.sub("", "\n".join(out.get("traceback", []))), file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("notebook")
    p.add_argument("--kernel", default="river")
    p.add_argument("--timeout", type=int, default=-1, help="seconds per cell (default: none)")
    p.add_argument("--save", help="write the executed notebook here")
    p.add_argument("--quiet", action="store_true", help="do not print cell outputs")
    a = p.parse_args()
    nb = nbformat.read(a.notebook, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=a.kernel,
        timeout=None if a.timeout < 0 else a.timeout,
        allow_errors=False,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(a.notebook))}},
        on_cell_executed=None if a.quiet else show,
    )
    failure = None
    try:
        client.execute()
    except CellExecutionError as e:
        failure = "a cell failed (its error is above)"
    except CellTimeoutError as e:
        failure = "a cell ran longer than --timeout %s s: %s" % (a.timeout, e)
    except DeadKernelError as e:
        failure = "the kernel died: %s" % e
    if a.save:
        nbformat.write(nb, a.save)
    if failure:
        print("river: %s: %s" % (a.notebook, failure), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
