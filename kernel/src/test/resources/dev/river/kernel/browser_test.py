"""The River kernel as a person sees it: JupyterLab in headless Chromium, driven through its UI.

usage: browser_test.py NOTEBOOK SCREENSHOT_DIR JUPYTER_LAB

Starts JupyterLab on 127.0.0.1 (a free port, a token of its own, settings in a temporary directory),
opens NOTEBOOK, runs all cells from the Run menu, then types new cells: Tab completion, a long forkwork
stopped by the interrupt button, a cell after it, a forkwork task that throws. Each step leaves a
screenshot in SCREENSHOT_DIR. Prints one line "RESULT {json}" with what it saw, and exits 1 at the
first step that fails (with a screenshot of the page as it was). The kernelspec comes from JUPYTER_PATH.
"""
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

NOTEBOOK, SHOTS, LAB = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(SHOTS, exist_ok=True)
result = {"steps": []}


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settings(root):
    """User settings: no news or update checks, no auto-closed brackets (typed code stays as typed),
    every cell in the DOM (no windowing), so that the checks see the whole notebook."""
    files = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
            {"windowingMode": "none", "codeCellConfig": {"autoClosingBrackets": False}},
        "@jupyterlab/completer-extension/manager.jupyterlab-settings":
            {"autoCompletion": False},
    }
    for name, content in files.items():
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            json.dump(content, f)


# ------------------------------------------------------------------------------------- the server

work = tempfile.mkdtemp(prefix="river-browser-")
notebooks = os.path.join(work, "notebooks")
os.makedirs(notebooks)
shutil.copy(NOTEBOOK, notebooks)
name = os.path.basename(NOTEBOOK)
settings(os.path.join(work, "settings"))
port, token = free_port(), secrets.token_hex(16)
env = dict(os.environ,
           JUPYTER_CONFIG_DIR=os.path.join(work, "config"),
           JUPYTER_RUNTIME_DIR=os.path.join(work, "runtime"),
           JUPYTER_DATA_DIR=os.path.join(work, "data"),
           JUPYTERLAB_SETTINGS_DIR=os.path.join(work, "settings"),
           JUPYTERLAB_WORKSPACES_DIR=os.path.join(work, "workspaces"))
cmd = [LAB, "--no-browser", "--ip", "127.0.0.1", f"--port={port}", "--port-retries=0",
       f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={notebooks}",
       "--LabApp.expose_app_in_browser=True"]
if os.geteuid() == 0:
    cmd.append("--allow-root")
if os.environ.get("RIVER_BROWSER_DEBUG"):
    cmd.append("--debug")
server_log = open(os.path.join(SHOTS, "jupyterlab.log"), "w")
server = subprocess.Popen(cmd, env=env, stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True)
base = f"http://127.0.0.1:{port}"

driver = None


def stop_everything():
    if driver is not None:
        try:
            driver.quit()
        except Exception as e:  # the browser may be gone already; the server must still stop
            log(f"closing the browser: {e}")
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)       # Jupyter shuts its kernels (and their engines) down
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    shutil.rmtree(work, ignore_errors=True)


def shot(n):
    path = os.path.join(SHOTS, n + ".png")
    driver.save_screenshot(path)
    return path


def step(title):
    """Runs the decorated step now; a failure stops the test with a screenshot."""
    def run(fn):
        t0 = time.time()
        log(title)
        try:
            detail = fn()
        except Exception as e:
            if driver is not None:
                shot("failed")
                try:
                    with open(os.path.join(SHOTS, "browser-console.log"), "w") as f:
                        for entry in driver.get_log("browser"):
                            f.write(f"{entry['level']} {entry['message']}\n")
                except Exception as e2:  # the console log only helps to explain the failure
                    log(f"no browser console log: {e2}")
            result["failed"] = f"{title}: {type(e).__name__}: {e}"
            print("RESULT " + json.dumps(result), flush=True)
            log(f"FAILED {title}: {e}")
            stop_everything()
            sys.exit(1)
        result["steps"].append({"step": title, "seconds": round(time.time() - t0, 1), "detail": detail})
        return fn
    return run


try:
    @step("JupyterLab answers")
    def _():
        deadline = time.time() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError("JupyterLab exited with " + str(server.returncode) + "; see jupyterlab.log")
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2).read()
                return base
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)

    opts = webdriver.ChromeOptions()
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
              "--window-size=1400,1000", "--force-device-scale-factor=1"]:
        opts.add_argument(a)
    driver = webdriver.Chrome(options=opts, service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"))
    driver.set_script_timeout(30)

    def wait(cond, timeout, what):
        try:
            return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: cond())
        except TimeoutException:
            raise AssertionError(f"not within {timeout} s: {what}") from None

    def js(script, *args):
        return driver.execute_script(script, *args)

    def code_cells():
        return driver.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell")

    def prompt(cell):
        return cell.find_element(By.CSS_SELECTOR, ".jp-InputArea-prompt").text.strip()

    def kernel_status():
        return js("const w = window.jupyterapp.shell.currentWidget;"
                  "return w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel"
                  " ? w.sessionContext.session.kernel.status : null;")

    def kernel_connected():
        """The kernel answered kernel_info over a connected websocket (JupyterLab 4.6 takes no status from
        kernel_info's busy/idle messages, so a fresh kernel shows 'unknown' until its first cell)."""
        return js("const w = window.jupyterapp.shell.currentWidget;"
                  "const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;"
                  "if (!k || k.connectionStatus !== 'connected') return false;"
                  "if (window.__riverInfo === undefined) { window.__riverInfo = false; k.info.then(() => window.__riverInfo = true); }"
                  "return window.__riverInfo;")

    @step("the notebook opens on the River kernel")
    def _():
        driver.get(f"{base}/lab/tree/{name}?token={token}")
        wait(lambda: js("return !!window.jupyterapp"), 60, "JupyterLab loads")
        wait(lambda: len(code_cells()) > 0, 60, "the notebook shows its cells")
        wait(kernel_connected, 90, "the River kernel starts and answers kernel_info")
        kernel = js("return window.jupyterapp.shell.currentWidget.sessionContext.kernelDisplayName;")
        assert kernel == "River (Java)", kernel
        shot("01-opened")
        return kernel

    def click_menu(menu, item):
        bar = [e for e in driver.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-itemLabel") if e.text == menu]
        assert bar, f"no {menu} menu"
        bar[0].click()
        entry = wait(lambda: [e for e in driver.find_elements(By.CSS_SELECTOR, ".lm-Menu-itemLabel") if e.text == item],
                     10, f"the {menu} menu shows {item}")
        entry[0].click()

    def done(cell):
        return re.fullmatch(r"\[\d+\]:", prompt(cell)) is not None

    @step("Run > Run All Cells runs every cell")
    def _():
        cells = code_cells()
        click_menu("Run", "Run All Cells")
        wait(lambda: all(done(c) for c in code_cells()), 170, "every cell ran (prompts [n]:)")
        wait(lambda: kernel_status() == "idle", 30, "the kernel is idle after Run All")
        return f"{len(cells)} code cells"

    @step("no cell shows an error")
    def _():
        errors = js("const cells = window.jupyterapp.shell.currentWidget.content.model.cells; const out = [];"
                    "for (let i = 0; i < cells.length; i++) { const c = cells.get(i); if (c.type !== 'code') continue;"
                    " for (let j = 0; j < c.outputs.length; j++) { const o = c.outputs.get(j);"
                    "  if (o.type === 'error') out.push(o.toJSON().ename + ': ' + o.toJSON().evalue); } } return out;")
        assert errors == [], f"error outputs: {errors}"
        shown = driver.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        texts = [e.text for e in shown if "Exception" in e.text or "Error" in e.text]
        assert texts == [], f"errors on the page: {texts}"
        return "none"

    @step("the engines table is an HTML table")
    def _():
        tables = driver.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output[data-mime-type='text/html'] table")
        assert tables, "no HTML table in the outputs"
        head = tables[0].find_elements(By.CSS_SELECTOR, "th")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", tables[0])
        tables[0].screenshot(os.path.join(SHOTS, "02-engines-table.png"))
        return [h.text for h in head]

    @step("the progress bar reached 100%")
    def _():
        bars = driver.find_elements(By.CSS_SELECTOR, ".river-progress")
        assert bars, "no progress bar on the page"
        texts = [b.text for b in bars]
        assert any("100%" in t and "400/400 items" in t for t in texts), texts
        return texts

    @step("the task stream is drawn by Vega-Lite")
    def _():
        outs = driver.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output.jp-RenderedVegaLite")
        assert outs, "no Vega-Lite output on the page; outputs: " + str(js(
            "return [...document.querySelectorAll('.jp-OutputArea-output')].map(e => e.className + ' ' + e.dataset.mimeType)"))
        wait(lambda: all(o.find_elements(By.CSS_SELECTOR, "svg, canvas") for o in outs), 30, "Vega draws every chart")
        chart = outs[0]
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", chart)
        marks = chart.find_elements(By.CSS_SELECTOR, "svg, canvas")
        chart.screenshot(os.path.join(SHOTS, "03-task-stream.png"))
        shot("04-after-run-all")
        return f"{len(outs)} charts, drawn as {marks[0].tag_name}"

    def new_cell(code):
        """A new code cell at the end, with `code` typed into it (through the keyboard)."""
        before = len(code_cells())
        footer = driver.find_element(By.CSS_SELECTOR, ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-footer")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", footer)
        footer.click()                                                          # "Click to add a cell."
        wait(lambda: len(code_cells()) == before + 1, 10, "a new cell appears")
        cell = code_cells()[-1]
        editor = cell.find_element(By.CSS_SELECTOR, ".cm-content")
        editor.click()
        for i, line in enumerate(code.split("\n")):
            if i > 0:
                editor.send_keys(Keys.ENTER)                            # the editor indents; Java does not mind
            editor.send_keys(line)
        return cell

    def run(cell):
        cell.find_element(By.CSS_SELECTOR, ".cm-content").send_keys(Keys.CONTROL, Keys.ENTER)   # run in place

    def outputs_text(cell):
        return "\n".join(o.text for o in cell.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output"))

    @step("a Trickle session in a new cell")
    def _():
        cell = new_cell("Trickle t = Trickle.connect();\nt.vms().size()")
        run(cell)
        wait(lambda: done(cell), 60, "the cell ran")
        text = outputs_text(cell)
        assert text.strip() == "2", text
        return text

    @step("Tab after t.fork offers forkwork")
    def _():
        cell = new_cell("t.fork")
        def offered():
            return [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".jp-Completer-item .jp-Completer-match")]
        items = []
        for attempt in range(3):        # on a loaded machine a Tab typed too early can go unanswered
            cell.find_element(By.CSS_SELECTOR, ".cm-content").send_keys(Keys.TAB)
            try:
                items = wait(offered, 15, "the completer pops up")
                break
            except AssertionError:
                if attempt == 2:
                    raise
        shot("05-completion")
        assert "forkwork" in [i.split("(")[0] for i in items], items   # methods come as "forkwork("
        cell.find_element(By.CSS_SELECTOR, ".cm-content").send_keys(Keys.ESCAPE)
        return items

    @step("the interrupt button stops a long forkwork within 5 s")
    def _():
        cell = new_cell('System.out.println("farming");\n'
                        "t.forkwork(chunk -> { Thread.sleep(1000); return chunk.size(); }, "
                        "IntStream.range(0, 1000).boxed().toList(), 1)")
        run(cell)
        wait(lambda: "farming" in outputs_text(cell), 60, "the cell started (printed 'farming')")
        shot("06-long-forkwork")
        button = driver.find_element(By.CSS_SELECTOR, ".jp-NotebookPanel:not(.lm-mod-hidden) "
                                                      "[data-command='notebook:interrupt-kernel']")
        t0 = time.time()
        button.click()
        wait(lambda: done(cell), 5, "the cell stops after the interrupt button")
        took = time.time() - t0
        text = outputs_text(cell)
        assert "nterrupt" in text or "cancel" in text, text
        shot("07-interrupted")
        return {"seconds": round(took, 2), "output": text[-200:]}

    @step("the kernel is usable after the interrupt")
    def _():
        cell = new_cell("t.map(x -> x * 2, List.of(1, 2, 3))")
        run(cell)
        wait(lambda: done(cell), 60, "the cell ran")
        text = outputs_text(cell)
        assert text.strip() == "[2, 4, 6]", text
        return text

    @step("a task that throws shows its item and the cell line")
    def _():
        cell = new_cell("List<Integer> sizes = t.forkwork(chunk -> {\n"
                        'if (chunk.contains(3)) throw new IllegalStateException("no 3s please");\n'
                        "return chunk.size();\n"
                        "}, List.of(1, 2, 3, 4), 1);")
        run(cell)
        wait(lambda: done(cell), 60, "the cell ran")
        text = outputs_text(cell)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", cell)
        shot("08-remote-exception")
        assert "item 2 [3]" in text, text
        assert "no 3s please" in text, text
        assert "(line 2)" in text, text
        assert "Dispatcher" not in text and "jdk.jshell" not in text, "the kernel's internals show: " + text
        return text

    @step("%river timeline draws the last job again")
    def _():
        cell = new_cell("t.close();\n%river timeline")
        run(cell)
        wait(lambda: done(cell), 60, "the cell ran")
        wait(lambda: cell.find_elements(By.CSS_SELECTOR, ".jp-RenderedVegaLite svg, .jp-RenderedVegaLite canvas"),
             30, "the timeline chart is drawn")
        return "drawn"

    print("RESULT " + json.dumps(result), flush=True)
finally:
    stop_everything()
