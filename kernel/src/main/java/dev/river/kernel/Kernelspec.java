package dev.river.kernel;

import com.google.gson.GsonBuilder;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Jupyter kernelspec of the River kernel: {@code kernels/river/kernel.json} and the logos, in a
 * Jupyter data directory (the user's by default, {@code PREFIX/share/jupyter} for a venv or a test).
 *
 * <pre>{@code
 * Path dir = Kernelspec.defaults().install(Kernelspec.prefixDataDir(Path.of("/tmp/env")));
 * // /tmp/env/share/jupyter/kernels/river/kernel.json
 * }</pre>
 *
 * @param name           kernelspec name (directory), {@code river}
 * @param displayName    what Jupyter shows, {@code River (Java)}
 * @param java           the java executable the kernel runs on
 * @param classPath      the kernel's class path
 * @param javaOptions    extra JVM options
 * @param extraClassPath {@code RIVER_CLASSPATH} for cells (empty for none)
 * @param env            more environment variables for the kernel
 */
public record Kernelspec(String name, String displayName, String java, String classPath, List<String> javaOptions,
                         String extraClassPath, Map<String, String> env) {
    public static final String NAME = "river";
    public static final String DISPLAY_NAME = "River (Java)";
    public static final String MAIN = "dev.river.kernel.RiverKernel";

    public Kernelspec {
        javaOptions = List.copyOf(javaOptions);
        env = Map.copyOf(env);
    }

    /** This installation: this JVM's java, River's class path, the name {@code river}. */
    public static Kernelspec defaults() {
        return new Kernelspec(NAME, DISPLAY_NAME, currentJava(), launchClassPath(), runtimeOptions(Runtime.version().feature()), "", Map.of());
    }

    /** The same, on another java executable (its version decides the JVM options the kernel needs). */
    public Kernelspec onJava(String javaExecutable) throws IOException, InterruptedException {
        int feature = featureVersion(javaExecutable);
        if (feature < 17) throw new IllegalArgumentException(javaExecutable + " is Java " + feature + "; the kernel needs Java 17 or later");
        return new Kernelspec(name, displayName, javaExecutable, classPath, runtimeOptions(feature), extraClassPath, env);
    }

    /** Options the kernel's JVM needs on a given Java release. */
    private static List<String> runtimeOptions(int feature) {
        // Kryo uses sun.misc.Unsafe; JDK 23+ warns about it on every start unless allowed explicitly
        return feature >= 23 ? List.of("--sun-misc-unsafe-memory-access=allow") : List.of();
    }

    private static int featureVersion(String java) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(java, "-XshowSettings:properties", "-version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        var m = Pattern.compile("java\\.specification\\.version = (\\d+)").matcher(out);
        if (!m.find()) throw new IllegalArgumentException("cannot tell the Java version of " + java + ":\n" + out.strip());
        return Integer.parseInt(m.group(1));
    }

    public Kernelspec withName(String v) { return new Kernelspec(v, displayName, java, classPath, javaOptions, extraClassPath, env); }
    public Kernelspec withDisplayName(String v) { return new Kernelspec(name, v, java, classPath, javaOptions, extraClassPath, env); }
    /** Adds JVM options (e.g. -Xmx8g) to those the kernel already has. */
    public Kernelspec withJavaOptions(List<String> v) {
        List<String> all = new ArrayList<>(javaOptions);
        all.addAll(v);
        return new Kernelspec(name, displayName, java, classPath, all, extraClassPath, env);
    }
    public Kernelspec withExtraClassPath(String v) { return new Kernelspec(name, displayName, java, classPath, javaOptions, v, env); }
    public Kernelspec withEnv(Map<String, String> v) { return new Kernelspec(name, displayName, java, classPath, javaOptions, extraClassPath, v); }

    /** The java executable running this JVM. */
    public static String currentJava() {
        return ProcessHandle.current().info().command().orElse(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    }

    /**
     * The class path to start the kernel with: {@code river-kernel.jar} and {@code lib/*} next to it when
     * River is built (kernel/target), else this JVM's class path (running from classes, in tests).
     */
    public static String launchClassPath() {
        try {
            var src = RiverKernel.class.getProtectionDomain().getCodeSource();
            if (src != null) {
                Path where = Path.of(src.getLocation().toURI());
                if (Files.isRegularFile(where) && Files.isDirectory(where.resolveSibling("lib"))) {
                    return where + File.pathSeparator + where.resolveSibling("lib") + File.separator + "*";
                }
            }
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("unusable location of the kernel's classes", e);
        }
        return System.getProperty("java.class.path");
    }

    /** The user's Jupyter data directory: JUPYTER_DATA_DIR, else the platform's default. */
    public static Path userDataDir() {
        String env = System.getenv("JUPYTER_DATA_DIR");
        if (env != null && !env.isBlank()) return Path.of(env);
        String home = System.getProperty("user.home");
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (os.contains("mac")) return Path.of(home, "Library", "Jupyter");
        if (os.contains("win")) return Path.of(System.getenv().getOrDefault("APPDATA", home), "jupyter");
        String xdg = System.getenv("XDG_DATA_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(home, ".local", "share")).resolve("jupyter");
    }

    /** The Jupyter data directory of an environment prefix (a venv, a conda env, a test directory). */
    public static Path prefixDataDir(Path prefix) {
        return prefix.resolve("share").resolve("jupyter");
    }

    /** kernel.json's content. */
    public String json() {
        List<String> argv = new ArrayList<>();
        argv.add(java);
        argv.add("-Djava.net.preferIPv4Stack=true");
        argv.add("-Djava.awt.headless=true");
        argv.addAll(javaOptions);
        argv.addAll(List.of("-cp", classPath, MAIN, "{connection_file}"));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("argv", argv);
        spec.put("display_name", displayName);
        spec.put("language", "java");
        spec.put("interrupt_mode", "message");
        Map<String, String> e = new LinkedHashMap<>(env);
        if (!extraClassPath.isBlank()) e.put(RiverKernel.CLASSPATH_ENV, extraClassPath);
        if (!e.isEmpty()) spec.put("env", e);
        spec.put("metadata", Map.of("debugger", false));
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(spec) + "\n";
    }

    /** Writes the kernelspec under {@code dataDir/kernels/NAME}; returns that directory. */
    public Path install(Path dataDir) throws IOException {
        Path dir = dataDir.resolve("kernels").resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("kernel.json"), json());
        for (String logo : List.of("logo-32x32.png", "logo-64x64.png", "logo-svg.svg")) {
            try (InputStream in = Kernelspec.class.getResourceAsStream("kernelspec/" + logo)) {
                if (in == null) throw new IOException("the kernel's " + logo + " is missing from its jar");
                Files.copy(in, dir.resolve(logo), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    /** Whether {@code dataDir} holds this kernelspec with exactly this content. */
    public boolean isInstalledIn(Path dataDir) {
        Path json = dataDir.resolve("kernels").resolve(name).resolve("kernel.json");
        try {
            return Files.isRegularFile(json) && Files.readString(json).equals(json())
                    && Files.isRegularFile(json.resolveSibling("logo-svg.svg"));
        } catch (IOException e) {
            return false;
        }
    }
}
