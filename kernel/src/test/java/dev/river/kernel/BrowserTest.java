package dev.river.kernel;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The notebook as a person sees it: JupyterLab (River's .venv) in headless Chromium, driven by Selenium
 * through the UI (browser_test.py). It runs notebooks/hello-river.ipynb from the Run menu and checks the
 * rendered page — no errors, the engines table, a progress bar at 100 %, the Vega-Lite task stream —
 * then Tab completion, the interrupt button on a long forkwork, the kernel afterwards, and a task that
 * throws. Screenshots of each step go to kernel/target/browser-screenshots.
 *
 * <p>Needs what {@code install/requirements --for-tests} installs: chromium, chromium-driver, and
 * JupyterLab with Selenium in the source tree's {@code .venv}.
 */
class BrowserTest {
    private static final Path HOME = Path.of("..").toAbsolutePath().normalize();
    private static final Path SHOTS = Path.of("target", "browser-screenshots").toAbsolutePath();

    @Test
    void helloRiverRunsInJupyterLabAsAPersonSeesIt(@TempDir Path tmp) throws Exception {
        Path python = HOME.resolve(".venv/bin/python");
        Path lab = HOME.resolve(".venv/bin/jupyter-lab");
        assertTrue(Files.isExecutable(python) && Files.isExecutable(lab),
                "no JupyterLab in " + HOME.resolve(".venv") + ": run install/requirements --for-tests");
        assertNotNull(onPath("chromium"), "no chromium: run install/requirements --for-tests (as root)");
        assertNotNull(onPath("chromedriver"), "no chromedriver: run install/requirements --for-tests (as root)");

        Path data = Jupyter.install(tmp.resolve("prefix"), null);
        Path script = tmp.resolve("browser_test.py");
        try (var in = BrowserTest.class.getResourceAsStream("browser_test.py")) {
            Files.write(script, in.readAllBytes());
        }
        long t0 = System.nanoTime();
        Jupyter.Run run = Jupyter.run(List.of(python.toString(), script.toString(),
                HOME.resolve("notebooks/hello-river.ipynb").toString(), SHOTS.toString(), lab.toString()), Jupyter.env(data), 600);
        System.out.printf("browser test: %.0f s%n%s%n", (System.nanoTime() - t0) / 1e9, run.stdout());
        JsonObject result = JsonParser.parseString(run.result()).getAsJsonObject();
        assertFalse(result.has("failed"), () -> result.get("failed").getAsString() + "\n" + run.stdout() + "\n" + run.stderr()
                + "\nscreenshots and JupyterLab's log: " + SHOTS);
        assertEquals(0, run.exit(), run.stderr());

        List<String> steps = new ArrayList<>();
        for (JsonElement s : result.getAsJsonArray("steps")) steps.add(s.getAsJsonObject().get("step").getAsString());
        assertEquals(List.of("JupyterLab answers", "the notebook opens on the River kernel", "Run > Run All Cells runs every cell",
                "no cell shows an error", "the engines table is an HTML table", "the progress bar reached 100%",
                "the task stream is drawn by Vega-Lite", "a Trickle session in a new cell", "Tab after t.fork offers forkwork",
                "the interrupt button stops a long forkwork within 5 s", "the kernel is usable after the interrupt",
                "a task that throws shows its item and the cell line", "%river timeline draws the last job again"), steps);
        for (String shot : List.of("01-opened", "02-engines-table", "03-task-stream", "05-completion", "07-interrupted", "08-remote-exception")) {
            assertTrue(Files.size(SHOTS.resolve(shot + ".png")) > 1000, "screenshot " + shot);
        }
    }

    private static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path f = Path.of(dir, name);
            if (Files.isExecutable(f)) return f;
        }
        return null;
    }
}
