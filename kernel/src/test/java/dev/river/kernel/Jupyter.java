package dev.river.kernel;

import dev.river.testing.Cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Test support: this build's kernelspec in a temporary Jupyter data directory (so tests never depend on
 * what is installed on the machine), a private discovery port for the kernel and its engines, and a
 * Python with jupyter_client and nbclient to drive it.
 */
final class Jupyter {
    private Jupyter() {}

    /** The output and exit code of a Python run. */
    record Run(int exit, String stdout, String stderr) {
        /** The JSON after the "RESULT " marker line. */
        String result() {
            for (String line : stdout.split("\n")) if (line.startsWith("RESULT ")) return line.substring(7);
            throw new AssertionError("no RESULT line; exit " + exit + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
        }
    }

    /** A Python that has jupyter_client, nbclient and nbformat (install/requirements installs Debian's). */
    static String python() {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("RIVER_PYTHON");
        if (env != null) candidates.add(env);
        candidates.addAll(List.of("/usr/bin/python3", "python3"));
        for (String c : candidates) {
            try {
                Process p = new ProcessBuilder(c, "-c", "import jupyter_client, nbclient, nbformat").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) return c;
            } catch (IOException | InterruptedException e) {
                // try the next one
            }
        }
        throw new IllegalStateException("no Python with jupyter_client and nbclient: run install/requirements --for-tests");
    }

    /** Installs the kernelspec (this JVM's class path, optionally another java) under {@code prefix}; returns its data dir. */
    static Path install(Path prefix, String java) throws Exception {
        Kernelspec spec = Kernelspec.defaults();
        if (java != null) spec = spec.onJava(java);
        Path data = Kernelspec.prefixDataDir(prefix);
        spec.install(data);
        return data;
    }

    /**
     * Environment for the Python process: the kernelspec's data dir and a discovery port of this test's
     * own. Beacons every 500 ms: quick discovery, yet an engine starved of CPU on a loaded machine is not
     * dropped (after three silent intervals) in the middle of a notebook.
     */
    static Map<String, String> env(Path data) {
        return Map.of("JUPYTER_PATH", data.toString(),
                "RIVER_DISCOVERY_PORT", Integer.toString(Cluster.freeUdpPort()),
                "RIVER_BEACON_MS", "500",
                "PYTHONUNBUFFERED", "1");
    }

    /** Runs a Python script from this package's test resources with {@code args}. */
    static Run runScript(String resource, Map<String, String> env, long timeoutSeconds, String... args) throws Exception {
        Path script = Files.createTempFile("river-test-", ".py");
        try (InputStream in = Jupyter.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing test resource " + resource);
            Files.write(script, in.readAllBytes());
        }
        List<String> cmd = new ArrayList<>(List.of(python(), script.toString()));
        cmd.addAll(List.of(args));
        return run(cmd, env, timeoutSeconds);
    }

    static Run run(List<String> cmd, Map<String, String> env, long timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("river-test-out", ".txt");
        Path err = Files.createTempFile("river-test-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("timed out after " + timeoutSeconds + " s: " + cmd + "\nstdout:\n" + Files.readString(out)
                    + "\nstderr:\n" + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Text without ANSI colours. */
    static String plain(String s) {
        return s.replaceAll("\u001b\\[[0-9;]*m", "");
    }
}
