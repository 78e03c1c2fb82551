"""Drives the River kernel with jupyter_client, as Jupyter front-ends do, and prints what it saw as JSON.

Run by KernelProtocolTest (which asserts on the JSON): execution, streaming, errors, completion,
inspection, is_complete, interrupt, a magic's usage error, restart and shutdown.
"""
import json
import os
import sys
import time

from jupyter_client.manager import KernelManager

T0 = time.time()


def children(pid):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            out.append(int(d))
    return out


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def wait_gone(pids, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline and any(alive(p) for p in pids):
        time.sleep(0.1)
    return [p for p in pids if alive(p)]


def kernel_pid(km):
    prov = getattr(km, "provisioner", None)
    if prov is not None and getattr(prov, "pid", None):
        return prov.pid
    return km.kernel.pid


def execute(kc, km, code, timeout=90, interrupt_after=None):
    start = time.time()
    msg_id = kc.execute(code)
    outputs = []
    sent = False
    while True:
        if interrupt_after is not None and not sent and time.time() - start >= interrupt_after:
            km.interrupt_kernel()
            sent = True
        try:
            msg = kc.get_iopub_msg(timeout=0.1)
        except Exception:
            if time.time() - start > timeout:
                raise RuntimeError("no idle after %s s for: %s" % (timeout, code))
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "status" and msg["content"]["execution_state"] == "idle":
            break
        if kind in ("stream", "execute_result", "display_data", "update_display_data", "error"):
            outputs.append({"type": kind, "at": time.time() - start, "content": msg["content"]})
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    return {"status": reply["content"]["status"], "reply": reply["content"], "outputs": outputs,
            "elapsed": time.time() - start, "interrupted_at": interrupt_after if sent else None}


def request(kc, send, timeout=60):
    msg_id = send()
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    return reply["content"]


def main():
    r = {}
    km = KernelManager(kernel_name=sys.argv[1] if len(sys.argv) > 1 else "river")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        r["ready_seconds"] = time.time() - T0
        r["kernel_info"] = request(kc, kc.kernel_info)
        r["first"] = execute(kc, km, "1 + 1")
        r["stream"] = execute(kc, km, 'for (int i = 0; i < 3; i++) {\n  System.out.println("tick " + i);\n  Thread.sleep(400);\n}')
        r["compile_error"] = execute(kc, km, "int ok = 1;\nint also = ok;\nString s = ok + missingName;")
        r["runtime_error"] = execute(kc, km, 'void boom(String why) {\n  throw new IllegalStateException(why);\n}\nint k = 2;\nboom("bad " + k);')
        execute(kc, km, 'String greeting = "hello";')
        code = "int unrelated = 0;\ngreeting.toUpp"
        r["complete"] = request(kc, lambda: kc.complete(code, len(code)))
        r["complete_code"] = code
        r["complete_magic"] = request(kc, lambda: kc.complete("%river fork", 11))
        r["inspect"] = request(kc, lambda: kc.inspect("Math.max(1, 2)", 6))
        r["inspect_magic"] = request(kc, lambda: kc.inspect("%river forkwork f xs", 9))
        r["is_complete"] = {c: request(kc, lambda c=c: kc.is_complete(c)) for c in
                            ["int f() {", "int x = 1;", "x +", "%river engines", "%%river fork\nint a = 1;", "%%river fork\nint a = 1;\n\n"]}
        r["interrupt_loop"] = execute(kc, km, "long spins = 0;\nwhile (true) { spins++; }", interrupt_after=1.5)
        r["after_interrupt"] = execute(kc, km, "spins > 0")
        r["interrupt_sleep"] = execute(kc, km, "Thread.sleep(60000);", interrupt_after=1.0)
        r["usage_error"] = execute(kc, km, "%river start two")
        r["start_engine"] = execute(kc, km, "%river start 1")
        execute(kc, km, "int keep = 42;")
        pid = kernel_pid(km)
        r["engines_before_restart"] = children(pid)
        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=120)
        r["engines_left_after_restart"] = wait_gone(r["engines_before_restart"], 20)
        r["after_restart_old_variable"] = execute(kc, km, "keep")
        r["after_restart_works"] = execute(kc, km, "6 * 7")
        r["start_engine_again"] = execute(kc, km, "%river start 1")
        pid = kernel_pid(km)
        engines = children(pid)
        km.shutdown_kernel(now=False)
        r["kernel_alive_after_shutdown"] = alive(pid)
        r["engines_left_after_shutdown"] = wait_gone(engines, 20)
    finally:
        try:
            kc.stop_channels()
        finally:
            if km.is_alive():
                km.shutdown_kernel(now=True)
    print("RESULT " + json.dumps(r))


main()
