package dev.river.bench;

import dev.river.core.LocalEngines;
import dev.river.core.NodeConfig;
import dev.river.mapreduce.Emitter;
import dev.river.mapreduce.MapReduce;
import dev.river.mapreduce.Running;
import dev.river.security.ClusterSecret;
import dev.river.trickle.Trickle;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code river bench mapreduce}: word count over generated text (default 200 MiB) with MapReduce on 1
 * and 2 local engines of one core each, against a single-threaded Java word count of the same text
 * in this JVM. Each engine count gets its own engines, Trickle session and warm-up job; then the timed
 * runs of every configuration take turns, and the figure is the median. The answers are checked
 * against the single-threaded count. CPU time (the engines', from the OS) is reported too: on a busy
 * machine it shows the work done, which wall time hides.
 *
 * <pre>{@code
 * Map<String, Double> figures = MapReduceBench.run(MapReduceBench.Options.defaults(), System.out);
 * }</pre>
 */
public final class MapReduceBench {
    private MapReduceBench() {}

    /**
     * What to measure.
     *
     * @param megabytes size of the generated text, in MiB
     * @param runs      timed runs per configuration (the median is reported)
     * @param engines   engine counts to measure
     * @param file      a text file to count instead of the generated one (null: generate)
     */
    public record Options(int megabytes, int runs, List<Integer> engines, Path file) {
        public static Options defaults() {
            return new Options(200, 3, List.of(1, 2), null);
        }

        public static Options quick() {
            return new Options(20, 1, List.of(1, 2), null);
        }
    }

    // ---------------------------------------------------------------- the word count (on the engines' class path)

    /** Splits a line on whitespace; the same tokenizer for the baseline and the map function. */
    static void words(String line, Emitter<String, Long> out) {
        int n = line.length();
        int i = 0;
        while (i < n) {
            while (i < n && Character.isWhitespace(line.charAt(i))) i++;
            int start = i;
            while (i < n && !Character.isWhitespace(line.charAt(i))) i++;
            if (i > start) out.emit(line.substring(start, i), 1L);
        }
    }

    static Long sum(String word, Iterable<Long> counts) {
        long n = 0;
        for (long c : counts) n += c;
        return n;
    }

    /** The baseline: one thread, a BufferedReader and a HashMap. */
    static Map<String, Long> sequential(Path file) throws IOException {
        Map<String, Long> counts = new HashMap<>();
        Emitter<String, Long> into = (w, one) -> counts.merge(w, one, Long::sum);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) words(line, into);
        }
        return counts;
    }

    // ---------------------------------------------------------------- the benchmark

    /**
     * Runs the benchmark; progress lines go to {@code log}. Returns named figures (seconds, MiB/s, CPU
     * seconds, ratios). Every configuration's engines run for the whole benchmark and the runs take
     * turns (baseline, 1 engine, 2 engines, baseline, ...), so that a machine whose load changes
     * meanwhile affects them all alike.
     */
    public static Map<String, Double> run(Options o, PrintStream log) throws IOException {
        privateCluster();
        Path text = o.file() != null ? o.file() : generated(o.megabytes(), 42, log);
        Path warm = generated(Math.max(4, Math.min(20, o.megabytes() / 10)), 43, log);
        double mib = Files.size(text) / (1024.0 * 1024);
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("input MiB", mib);
        f.put("load average before", load());

        int total = o.engines().stream().mapToInt(Integer::intValue).sum();
        List<Trickle> sessions = new ArrayList<>();
        LocalEngines engines = LocalEngines.start(total, NodeConfig.client(), List.of("--cores", "1"));
        try {
            Map<String, Long> pids = new HashMap<>();
            for (int i = 0; i < engines.size(); i++) pids.put(engines.ids().get(i).toString(), engines.pid(i));
            for (int n : o.engines()) {
                Trickle t = Trickle.builder().engines(n).connect();     // allocates n engines the earlier sessions do not hold
                sessions.add(t);
                if (t.vms().size() != n) throw new IllegalStateException("asked for " + n + " engine(s), got " + t.vms().size());
                count(t, warm);
            }
            sequential(warm);
            Map<String, List<Double>> times = new LinkedHashMap<>();
            Map<String, List<Double>> cpus = new LinkedHashMap<>();
            Map<String, Long> expected = null;
            for (int i = 0; i < o.runs(); i++) {
                double c0 = cpu(ProcessHandle.current().pid());
                long t0 = System.nanoTime();
                expected = sequential(text);
                add(times, "single-threaded", seconds(t0));
                add(cpus, "single-threaded", cpu(ProcessHandle.current().pid()) - c0);
                log.printf(Locale.ROOT, "  single-threaded Java: %.2f s (%.2f s CPU)%n", last(times, "single-threaded"), last(cpus, "single-threaded"));
                for (int k = 0; k < sessions.size(); k++) {
                    Trickle t = sessions.get(k);
                    String name = o.engines().get(k) + " engine(s)";
                    List<Long> mine = new ArrayList<>();
                    for (var vm : t.vms()) mine.add(pids.get(vm.info().id().toString()));
                    double e0 = cpu(mine);
                    t0 = System.nanoTime();
                    Running<Map<String, Long>> r = MapReduce.fromFiles(text).map(MapReduceBench::words).combine(Long::sum)
                            .reduce(MapReduceBench::sum).start(t);
                    Map<String, Long> counts = r.result();
                    add(times, name, seconds(t0));
                    add(cpus, name, cpu(mine) - e0);
                    log.printf(Locale.ROOT, "  MapReduce, %s: %.2f s (%.2f s CPU; %s)%n", name, last(times, name), last(cpus, name), r.progress());
                    if (!counts.equals(expected)) {
                        throw new IllegalStateException("MapReduce on " + name + " counted differently from the single-threaded count");
                    }
                }
            }
            for (String name : times.keySet()) {
                double s = median(times.get(name));
                f.put(name + " s", s);
                f.put(name + " MiB/s", mib / s);
                f.put(name + " CPU s", median(cpus.get(name)));
            }
        } finally {
            for (Trickle t : sessions) t.close();      // before the engines stop, so that they release them
            engines.close();
        }
        double base = f.get("single-threaded s");
        if (o.engines().contains(1)) {
            double one = f.get("1 engine(s) s");
            f.put("1 engine vs single-threaded (time ratio)", one / base);
            for (int n : o.engines()) if (n > 1) f.put("speedup 1 -> " + n + " engines", one / f.get(n + " engine(s) s"));
        }
        f.put("load average after", load());
        return f;
    }

    private static void add(Map<String, List<Double>> m, String key, double v) {
        m.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
    }

    private static double last(Map<String, List<Double>> m, String key) {
        List<Double> l = m.get(key);
        return l.get(l.size() - 1);
    }

    /** CPU seconds used so far by these engine processes (MapReduce's work happens there; the driver only coordinates). */
    private static double cpu(List<Long> pids) {
        double sum = 0;
        for (long pid : pids) sum += cpu(pid);
        return sum;
    }

    private static double cpu(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    private static Map<String, Long> count(Trickle t, Path file) {
        return MapReduce.fromFiles(file).map(MapReduceBench::words).combine(Long::sum).reduce(MapReduceBench::sum).run(t);
    }

    /** The generated text of {@code megabytes} MiB for {@code seed}, cached in the temporary directory. */
    static Path generated(int megabytes, long seed, PrintStream log) throws IOException {
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "river-bench-words-" + megabytes + "m-" + seed + ".txt");
        if (Files.isRegularFile(file) && Files.size(file) >= (long) megabytes << 20) return file;
        log.printf(Locale.ROOT, "  generating %d MiB of text in %s%n", megabytes, file);
        Path tmp = Files.createTempFile(file.getParent(), "river-bench-words", ".tmp");
        WordText.write(tmp, (long) megabytes << 20, seed);
        return Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Engines of this benchmark only: a discovery port of its own (unless this JVM already chose one),
     * and a cluster secret of its own, so that nothing else on the machine (another user's engines, a
     * test replacing {@code ~/.river/secret}) can join or disturb the measurement.
     */
    private static void privateCluster() {
        privateDiscovery();
        boolean chosen = System.getenv("RIVER_SECRET") != null || System.getenv("RIVER_SECRET_FILE") != null
                || System.getProperty("river.secret") != null || System.getProperty("river.secret.file") != null
                || System.getenv("RIVER_ENGINE_JAVA_OPTS") != null;
        if (chosen) return;
        try {
            Path dir = Files.createTempDirectory("river-bench-secret",
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            Path file = dir.resolve("secret");
            ClusterSecret.fromFile(file, true);
            file.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            System.setProperty("river.secret.file", file.toString());
            String opts = System.getProperty("river.engine.java.opts", "");
            System.setProperty("river.engine.java.opts", (opts + " -Driver.secret.file=" + file).trim());
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: the user's own secret serves
        }
    }

    private static void privateDiscovery() {
        if (System.getenv("RIVER_DISCOVERY_PORT") != null || System.getProperty("river.discovery.port") != null) return;
        try (DatagramSocket s = new DatagramSocket(0)) {
            System.setProperty("river.discovery.port", Integer.toString(s.getLocalPort()));
        } catch (IOException e) {
            throw new UncheckedIOException("no free UDP port for the benchmark's discovery", e);
        }
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int k = s.size();
        return k % 2 == 1 ? s.get(k / 2) : (s.get(k / 2 - 1) + s.get(k / 2)) / 2;
    }
}
