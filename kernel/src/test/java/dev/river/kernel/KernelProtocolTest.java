package dev.river.kernel;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel driven over the Jupyter protocol by jupyter_client (protocol_check.py), on this JDK and on
 * every other JDK 17+ found under /usr/lib/jvm named in RIVER_TEST_JDKS or the Temurin 25 the project
 * targets.
 */
class KernelProtocolTest {
    static Stream<String> jdks() {
        List<String> javas = new ArrayList<>();
        javas.add(Kernelspec.currentJava());
        String extra = System.getenv().getOrDefault("RIVER_TEST_JDKS", "/usr/lib/jvm/temurin-25-jdk-amd64");
        for (String home : extra.split(java.io.File.pathSeparator)) {
            Path java = Path.of(home, "bin", "java");
            if (!home.isBlank() && Files.isExecutable(java) && !javas.contains(java.toString())) javas.add(java.toString());
        }
        return javas.stream();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void jupyterClientSeesAWorkingKernel(String java, @TempDir Path prefix) throws Exception {
        Path data = Jupyter.install(prefix, java);
        Jupyter.Run run = Jupyter.runScript("protocol_check.py", Jupyter.env(data), 600);
        JsonObject r = JsonParser.parseString(run.result()).getAsJsonObject();
        String context = "on " + java + "\nkernel stderr:\n" + run.stderr();

        JsonObject info = r.getAsJsonObject("kernel_info");
        assertEquals("java", info.getAsJsonObject("language_info").get("name").getAsString());
        assertEquals("ok", info.get("status").getAsString(), "JupyterLab 4 needs status ok in kernel_info_reply");
        assertEquals(result(r, "first"), "2", context);

        // stdout streams while the cell runs: the ticks arrive spread over the cell's 1.2 s, not at its end
        List<Double> ticks = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (JsonElement o : outputs(r, "stream")) {
            if (type(o).equals("stream")) {
                ticks.add(o.getAsJsonObject().get("at").getAsDouble());
                text.append(content(o).get("text").getAsString());
            }
        }
        assertEquals("tick 0\ntick 1\ntick 2\n", text.toString());
        assertTrue(ticks.get(ticks.size() - 1) - ticks.get(0) > 0.5, "streamed late: " + ticks);

        // a compile error names the cell's line and puts a caret under the culprit
        JsonObject ce = error(r, "compile_error");
        assertEquals("CompileError", ce.get("ename").getAsString());
        assertTrue(ce.get("evalue").getAsString().startsWith("line 3: cannot find symbol"), ce.toString());
        List<String> tb = traceback(ce);
        int src = tb.indexOf("    String s = ok + missingName;");
        assertTrue(src > 0, tb.toString());
        assertEquals(tb.get(src).indexOf("missingName"), tb.get(src + 1).indexOf('^'), "caret column: " + tb);
        assertEquals("error", r.getAsJsonObject("compile_error").get("status").getAsString());

        // an exception shows the cell frames with their lines, and nothing of JShell or the kernel
        JsonObject re = error(r, "runtime_error");
        assertEquals("IllegalStateException", re.get("ename").getAsString());
        assertEquals("bad 2", re.get("evalue").getAsString());
        String trace = String.join("\n", traceback(re));
        assertTrue(trace.contains("at boom (line 2)") && trace.contains("at (line 5)"), trace);
        assertFalse(trace.contains("jdk.jshell") || trace.contains("dev.river.kernel") || trace.contains("reflect"), trace);

        // completion and inspection
        JsonObject comp = r.getAsJsonObject("complete");
        assertTrue(strings(comp.getAsJsonArray("matches")).contains("toUpperCase("), comp.toString());
        assertEquals(r.get("complete_code").getAsString().indexOf("toUpp"), comp.get("cursor_start").getAsInt());
        assertEquals(List.of("fork", "forkwork"), strings(r.getAsJsonObject("complete_magic").getAsJsonArray("matches")));
        JsonObject insp = r.getAsJsonObject("inspect");
        assertTrue(insp.get("found").getAsBoolean());
        assertTrue(insp.getAsJsonObject("data").get("text/plain").getAsString().contains("int Math.max(int a, int b)"), insp.toString());
        assertTrue(r.getAsJsonObject("inspect_magic").getAsJsonObject("data").get("text/plain").getAsString().contains("Usage: %river forkwork"));

        JsonObject ic = r.getAsJsonObject("is_complete");
        assertEquals("incomplete", ic.getAsJsonObject("int f() {").get("status").getAsString());
        assertEquals("complete", ic.getAsJsonObject("int x = 1;").get("status").getAsString());
        assertEquals("incomplete", ic.getAsJsonObject("x +").get("status").getAsString());
        assertEquals("complete", ic.getAsJsonObject("%river engines").get("status").getAsString());
        assertEquals("incomplete", ic.getAsJsonObject("%%river fork\nint a = 1;").get("status").getAsString());
        assertEquals("complete", ic.getAsJsonObject("%%river fork\nint a = 1;\n\n").get("status").getAsString());

        // interrupt stops a busy loop and a sleep; the kernel (and the cell's state) survive
        JsonObject loop = error(r, "interrupt_loop");
        assertEquals("Interrupted", loop.get("ename").getAsString(), context);
        assertTrue(r.getAsJsonObject("interrupt_loop").get("elapsed").getAsDouble() < 10, "stopped promptly");
        assertEquals("true", result(r, "after_interrupt"));
        assertEquals("Interrupted", error(r, "interrupt_sleep").get("ename").getAsString());
        assertTrue(r.getAsJsonObject("interrupt_sleep").get("elapsed").getAsDouble() < 10);

        // a wrong magic argument is a usage message, not a stack trace
        JsonObject ue = error(r, "usage_error");
        assertEquals("UsageError", ue.get("ename").getAsString());
        String usage = String.join("\n", traceback(ue));
        assertTrue(usage.contains("Usage: %river start") && usage.contains("two"), usage);
        assertFalse(usage.contains("\tat "), usage);

        // restart: a fresh kernel, and the engines the old one started are gone
        assertTrue(result(r, "start_engine").contains("started 1 local engine"), r.get("start_engine").toString());
        assertEquals(1, r.getAsJsonArray("engines_before_restart").size(), "the kernel's engine is its child process");
        assertEquals(0, r.getAsJsonArray("engines_left_after_restart").size(), "engines outlived the restarted kernel");
        assertEquals("CompileError", error(r, "after_restart_old_variable").get("ename").getAsString());
        assertEquals("42", result(r, "after_restart_works"));
        assertTrue(result(r, "start_engine_again").contains("started 1 local engine"));

        // shutdown: the kernel exits and stops its engines
        assertFalse(r.get("kernel_alive_after_shutdown").getAsBoolean());
        assertEquals(0, r.getAsJsonArray("engines_left_after_shutdown").size());
    }

    static JsonArray outputs(JsonObject r, String key) {
        return r.getAsJsonObject(key).getAsJsonArray("outputs");
    }

    static String type(JsonElement o) {
        return o.getAsJsonObject().get("type").getAsString();
    }

    static JsonObject content(JsonElement o) {
        return o.getAsJsonObject().getAsJsonObject("content");
    }

    /** The text/plain of the execute_result of {@code key}. */
    static String result(JsonObject r, String key) {
        for (JsonElement o : outputs(r, key)) {
            if (type(o).equals("execute_result")) return content(o).getAsJsonObject("data").get("text/plain").getAsString();
        }
        throw new AssertionError("no result for " + key + ": " + r.get(key));
    }

    static JsonObject error(JsonObject r, String key) {
        for (JsonElement o : outputs(r, key)) if (type(o).equals("error")) return content(o);
        throw new AssertionError("no error for " + key + ": " + r.get(key));
    }

    static List<String> traceback(JsonObject error) {
        List<String> out = new ArrayList<>();
        for (String s : strings(error.getAsJsonArray("traceback"))) out.addAll(List.of(Jupyter.plain(s).split("\n", -1)));
        return out;
    }

    static List<String> strings(JsonArray a) {
        List<String> out = new ArrayList<>();
        a.forEach(e -> out.add(e.getAsString()));
        return out;
    }
}
