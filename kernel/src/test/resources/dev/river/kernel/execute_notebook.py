"""Executes a notebook with nbclient on the kernelspec named on the command line and saves the result.

Used by NotebooksTest: the test then reads the executed notebook and asserts on its outputs. A cell that
fails (unless tagged raises-exception) makes this exit with status 1, after saving what ran.
"""
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

source, target, kernel = sys.argv[1], sys.argv[2], sys.argv[3]
nb = nbformat.read(source, as_version=4)
client = NotebookClient(nb, kernel_name=kernel, timeout=300, allow_errors=False,
                        resources={"metadata": {"path": "."}})
status = 0
try:
    client.execute()
except CellExecutionError as e:
    print(str(e), file=sys.stderr)
    status = 1
nbformat.write(nb, target)
sys.exit(status)
