package dev.river.kernel.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Finding Jupyter on this machine: its Python (with nbclient), its prefix, and River's install/requirements. */
final class Jupyter {
    private Jupyter() {}

    private static volatile String python;

    /**
     * A Python that can import nbclient and jupyter_client: RIVER_PYTHON, the interpreter of the
     * {@code jupyter} on PATH, {@code /usr/bin/python3}, then {@code python3}.
     */
    static String python() throws IOException, InterruptedException {
        String p = python;
        if (p != null) return p;
        Set<String> candidates = new LinkedHashSet<>();
        String env = System.getenv("RIVER_PYTHON");
        if (env != null && !env.isBlank()) candidates.add(env);
        Path jupyter = onPath("jupyter");
        if (jupyter != null) {
            List<String> lines = Files.readAllLines(jupyter, StandardCharsets.ISO_8859_1);
            if (!lines.isEmpty() && lines.get(0).startsWith("#!")) {
                String interp = lines.get(0).substring(2).strip().split("\\s+")[0];
                if (!interp.endsWith("/env")) candidates.add(interp);
            }
        }
        candidates.add("/usr/bin/python3");
        candidates.add("python3");
        for (String c : candidates) {
            if (run(List.of(c, "-c", "import nbclient, jupyter_client, nbformat"), 60) == 0) {
                python = c;
                return c;
            }
        }
        throw new IllegalStateException("no Python with Jupyter's nbclient found (tried " + String.join(", ", candidates)
                + "); install it with install/requirements (as root), or: apt-get install python3-nbclient jupyter-nbconvert");
    }

    /** sys.prefix of Jupyter's Python (for {@code --sys-prefix}). */
    static String sysPrefix() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(python(), "-c", "import sys; print(sys.prefix)").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) throw new IllegalStateException("cannot ask Python for sys.prefix: " + out);
        return out;
    }

    /** The executable {@code name} on PATH, or null. */
    static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path f = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(f) && !Files.isDirectory(f)) return f;
        }
        return null;
    }

    /**
     * Runs River's {@code install/requirements} (Debian packages for notebooks) when River runs from its
     * source tree; a non-zero exit (missing packages, not root) stops the caller with its message.
     */
    static void requirements() throws IOException, InterruptedException {
        String home = System.getProperty("river.home");
        if (home == null) return;
        Path script = Path.of(home, "install", "requirements");
        if (!Files.isExecutable(script)) return;
        Process p = new ProcessBuilder(script.toString()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("install/requirements could not install what Jupyter needs (see above)");
        }
    }

    private static int run(List<String> cmd, int timeoutSeconds) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The text of a resource of this package's python helpers, written to a temporary file. */
    static Path script(String name) throws IOException {
        try (var in = Jupyter.class.getResourceAsStream("/dev/river/kernel/py/" + name)) {
            if (in == null) throw new IOException("helper script " + name + " is missing from the kernel's jar");
            Path f = Files.createTempFile("river-" + name.replace(".py", "") + "-", ".py");
            Files.write(f, in.readAllBytes());
            f.toFile().deleteOnExit();
            return f;
        }
    }

    static List<String> command(String... parts) {
        return new ArrayList<>(List.of(parts));
    }
}
