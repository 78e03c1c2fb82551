"""Benchmarks of the River kernel, driven like Jupyter drives it (jupyter_client); used by `river kernel bench`.

- ready: from starting the kernel process to the result of its first cell (`1 + 1`), for --runs fresh kernels
- forkwork: one cell `%river forkwork` over 1,000 tiny items on 2 engines, per chunk size, best of --repeat;
  as written (the magic connects a Trickle session for itself) and with --trickle t (an open session)
Prints one JSON object.
"""
import argparse
import json
import statistics
import time

from jupyter_client.manager import KernelManager


def execute(kc, code, timeout=300):
    start = time.perf_counter()
    msg_id = kc.execute(code)
    error = None
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "error":
            error = "\n".join(msg["content"]["traceback"])
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    if error:
        raise RuntimeError("cell failed: %s\n%s" % (code, error))
    return time.perf_counter() - start


def first_result(kernel):
    start = time.perf_counter()
    km = KernelManager(kernel_name=kernel)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        execute(kc, "1 + 1")
        return time.perf_counter() - start
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def forkwork(kernel, chunksizes, repeat):
    km = KernelManager(kernel_name=kernel)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    out = {}
    try:
        kc.wait_for_ready(timeout=120)
        execute(kc, "%river engines --min 2")
        execute(kc, "List<Integer> items = java.util.stream.IntStream.range(0, 1000).boxed().toList();\n"
                    "int tiny(List<Integer> chunk) { return chunk.size(); }")
        for session in ("", " --trickle t"):
            if session:
                execute(kc, "Trickle t = Trickle.connect();")   # from here on, the magics use it
            for k in chunksizes:
                cell = "%river forkwork tiny items" + ("" if k == 0 else " --chunksize %d" % k) + session
                execute(kc, cell)  # warm-up: class shipping, JIT
                times = [execute(kc, cell) for _ in range(repeat)]
                key = ("auto" if k == 0 else str(k)) + (" on t" if session else "")
                out[key] = {"best_s": min(times), "median_s": statistics.median(times)}
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kernel", default="river")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--repeat", type=int, default=5)
    a = p.parse_args()
    ready = [first_result(a.kernel) for _ in range(a.runs)]
    result = {
        "kernel_first_result_s": {"best": min(ready), "median": statistics.median(ready), "runs": ready},
        "forkwork_1000_items_2_engines_s": forkwork(a.kernel, [1, 10, 0], a.repeat),
    }
    print("RESULT " + json.dumps(result))


main()
