package dev.river.cli;

import dev.river.core.RiverException;
import dev.river.trickle.Trickle;
import dev.river.trickle.Vm;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.IntStream;

/**
 * {@code river bench trickle}: Trickle on two fresh local engines against ipyparallel on an
 * ipcontroller and two ipengines on the same machine, measuring the same things the same way: the
 * round trip of one tiny call, tiny tasks per second (forkwork with chunksize 1, and map), 100,000
 * items in chunks of 1,000, and pushing a 64 MiB byte[] argument.
 */
@Command(name = "trickle", mixinStandardHelpOptions = true,
        description = "Trickle on 2 local engines vs ipyparallel (ipcontroller + 2 ipengines) on this machine:"
                + " tiny-call round trip, tiny tasks/s (forkwork chunksize 1, map), 100k items in chunks of 1000, 64 MiB push.")
final class TrickleBenchCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print the figures as JSON")
    boolean json;

    @Option(names = "--engines", description = "Engines on each side. Default: ${DEFAULT-VALUE}")
    int engines = 2;

    @Option(names = "--tiny", description = "Tiny tasks in the forkwork run. Default: ${DEFAULT-VALUE}")
    int tiny = 200_000;

    @Option(names = "--calls", description = "Round trips timed. Default: ${DEFAULT-VALUE}")
    int calls = 5_000;

    @Option(names = "--no-ipyparallel", description = "Measure Trickle only")
    boolean noIpp;

    @Option(names = "--python", description = "Python with ipyparallel. Default: /usr/bin/python3 if it has it, else python3")
    String python;

    @Option(names = "--ipp-script", description = "The ipyparallel side. Default: $RIVER_HOME/install/bench/ipyparallel_bench.py")
    Path ippScript;

    // ---------------------------------------------------------------- the tasks (engine class path: nothing to ship)

    static Integer identity(Integer x) {
        return x;
    }

    static Integer first(List<Integer> chunk) {
        return chunk.get(0);
    }

    static long sum(List<Integer> chunk) {
        long s = 0;
        for (int x : chunk) s += x;
        return s;
    }

    static int length(byte[] b) {
        return b.length;
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Double> river = measureRiver();
        Map<String, Double> ipp = noIpp ? null : measureIpyparallel();
        if (json) {
            System.out.println(toJson(river, ipp));
        } else {
            print(river, ipp);
        }
        return 0;
    }

    // ---------------------------------------------------------------- Trickle

    private Map<String, Double> measureRiver() {
        Map<String, Double> r = new LinkedHashMap<>();
        byte[] blob = new byte[64 << 20];
        try (Trickle t = Trickle.builder().local(engines).connect()) {
            status("Trickle: " + t);
            Vm vm = t.vms().get(0);
            // round trips first, before the bulk runs leave garbage and background GC work behind
            for (int i = 0; i < 3_000; i++) vm.call(TrickleBenchCommand::identity, i);   // warm up JITs on both sides
            long[] rtt = new long[calls];
            for (int i = 0; i < calls; i++) {
                long t0 = System.nanoTime();
                vm.call(TrickleBenchCommand::identity, i);
                rtt[i] = System.nanoTime() - t0;
            }
            Arrays.sort(rtt);
            r.put("rtt_us", rtt[calls / 2] / 1e3);
            r.put("rtt_p99_us", rtt[(int) (calls * 0.99)] / 1e3);

            // the push next, while this JVM's heap is small: a 64 MiB allocation in a heap full of the bulk runs'
            // objects costs a long GC pause, which would be measured instead of the transfer. Two warm-up pushes
            // first: the first 64 MiB arrays an engine's heap holds pay the OS's first-touch page faults (up to
            // 200 ms each on a Firecracker VM), as the TCP baseline's first stream, which it leaves out, does.
            double[] push = new double[5];
            for (int i = -2; i < push.length; i++) {
                long p0 = System.nanoTime();
                int n = vm.call(TrickleBenchCommand::length, blob);
                if (i >= 0) push[i] = seconds(p0);
                check(n == blob.length, "push returned " + n);
            }
            Arrays.sort(push);
            r.put("push_mb_s", blob.length / 1e6 / push[push.length / 2]);   // the median, as the TCP stream's
            r.put("push_best_mb_s", blob.length / 1e6 / push[0]);

            List<Integer> items = IntStream.range(0, tiny).boxed().toList();
            List<Integer> million = IntStream.range(0, 1_000_000).boxed().toList();
            List<Integer> hundredK = IntStream.range(0, 100_000).boxed().toList();
            t.forkwork(TrickleBenchCommand::first, items.subList(0, Math.min(50_000, items.size())), 1);
            t.map(TrickleBenchCommand::identity, million);

            long t0 = System.nanoTime();
            List<Integer> out = t.forkwork(TrickleBenchCommand::first, items, 1);
            r.put("tiny_per_s", items.size() / seconds(t0));
            check(out.equals(items), "forkwork returned wrong results");

            t0 = System.nanoTime();
            List<Integer> mapped = t.map(TrickleBenchCommand::identity, million);
            r.put("map_per_s", million.size() / seconds(t0));
            check(mapped.equals(million), "map returned wrong results");

            t0 = System.nanoTime();
            List<Long> sums = t.forkwork(TrickleBenchCommand::sum, hundredK, 1_000);
            r.put("chunks_ms", seconds(t0) * 1e3);
            check(sums.stream().mapToLong(Long::longValue).sum() == 100_000L * 99_999 / 2, "chunk sums are wrong");
        }
        r.put("loopback_mb_s", rawLoopback(blob));
        baselines(r);
        return r;
    }

    /** The bare JeroMQ ping-pong and plain TCP stream between two JVMs, in this run, and River's ratios to them. */
    private void baselines(Map<String, Double> r) {
        status("baselines: bare JeroMQ DEALER/ROUTER and plain TCP between two JVMs");
        Map<String, Double> b = dev.river.bench.Baselines.measure(3_000, calls, 200_000, 64);
        r.put("zmq_rtt_p50_us", 2 * b.get("zmq_one_way_p50_us"));
        r.put("zmq_rtt_p99_us", 2 * b.get("zmq_one_way_p99_us"));
        r.put("tcp_stream_mb_s", b.get("tcp_stream_MiB_per_s") * (1 << 20) / 1e6);
        r.put("ratio_rtt_p50_vs_zmq", r.get("rtt_us") / r.get("zmq_rtt_p50_us"));
        r.put("ratio_rtt_p99_vs_zmq", r.get("rtt_p99_us") / r.get("zmq_rtt_p99_us"));
        r.put("ratio_push_vs_tcp_stream", r.get("push_mb_s") / r.get("tcp_stream_mb_s"));
        r.put("load_average", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** The ceiling for any push on this machine: 64 MiB through one plain TCP loopback socket, one byte back (best of 3). */
    private static double rawLoopback(byte[] blob) {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread sink = new Thread(() -> {
                byte[] buf = new byte[1 << 20];
                try (java.net.Socket s = server.accept()) {
                    var in = s.getInputStream();
                    for (int round = 0; round < 3; round++) {
                        long left = blob.length;
                        while (left > 0) {
                            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                            if (n < 0) return;
                            left -= n;
                        }
                        s.getOutputStream().write(1);
                    }
                } catch (IOException e) {
                    // the measuring side reports the failure
                }
            }, "bench-loopback-sink");
            sink.setDaemon(true);
            sink.start();
            try (java.net.Socket c = new java.net.Socket(server.getInetAddress(), server.getLocalPort())) {
                double best = Double.MAX_VALUE;
                for (int round = 0; round < 3; round++) {
                    long t0 = System.nanoTime();
                    c.getOutputStream().write(blob);
                    if (c.getInputStream().read() != 1) throw new IOException("loopback sink ended early");
                    best = Math.min(best, seconds(t0));
                }
                return blob.length / 1e6 / best;
            }
        } catch (IOException e) {
            throw new RiverException("measuring raw loopback TCP failed: " + e.getMessage(), e);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void check(boolean ok, String what) {
        if (!ok) throw new RiverException("benchmark self-check failed: " + what);
    }

    // ---------------------------------------------------------------- ipyparallel

    private Map<String, Double> measureIpyparallel() throws Exception {
        String py = python != null ? python : pickPython();
        Path script = ippScript != null ? ippScript : Path.of(System.getProperty("river.home", "."), "install", "bench", "ipyparallel_bench.py");
        if (!Files.isRegularFile(script)) throw new IllegalArgumentException("no ipyparallel script at " + script + " (give --ipp-script, or --no-ipyparallel)");
        Path profile = Files.createTempDirectory("river-bench-ipp");
        Path security = Files.createDirectories(profile.resolve("security"));
        List<Process> procs = new ArrayList<>();
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            security.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            String bin = Path.of(py).getParent() == null ? "" : Path.of(py).getParent() + File.separator;
            status("ipyparallel: starting ipcontroller and " + engines + " ipengines (" + profile + ")");
            procs.add(start(profile, "controller", tool(bin, "ipcontroller"), "--profile-dir=" + profile, "--ip=127.0.0.1"));
            awaitConnectionFile(watch, security.resolve("ipcontroller-engine.json"), procs.get(0));
            for (int i = 0; i < engines; i++) {
                procs.add(start(profile, "engine-" + (i + 1), tool(bin, "ipengine"), "--profile-dir=" + profile));
            }
            Process bench = new ProcessBuilder(py, script.toString(), "--profile-dir=" + profile, "--engines=" + engines)
                    .redirectError(profile.resolve("bench.err").toFile()).start();
            String out = new String(bench.getInputStream().readAllBytes());
            if (!bench.waitFor(10, TimeUnit.MINUTES) || bench.exitValue() != 0) {
                throw new RiverException("the ipyparallel benchmark failed:\n" + Files.readString(profile.resolve("bench.err")));
            }
            return parseJson(out);
        } finally {
            for (int i = procs.size() - 1; i >= 0; i--) stop(procs.get(i));
        }
    }

    private static String pickPython() {
        Path debian = Path.of("/usr/bin/python3");
        if (Files.isExecutable(debian)) {
            try {
                Process p = new ProcessBuilder(debian.toString(), "-c", "import ipyparallel").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor() == 0) return debian.toString();
            } catch (IOException | InterruptedException e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            }
        }
        return "python3";
    }

    private static String tool(String bin, String name) {
        Path p = Path.of(bin + name);
        return !bin.isEmpty() && Files.isExecutable(p) ? p.toString() : name;
    }

    private static Process start(Path dir, String name, String... cmd) throws IOException {
        try {
            return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + cmd[0] + " (is ipyparallel installed? on Debian: apt-get install python3-ipyparallel): " + e.getMessage(), e);
        }
    }

    /** Waits (on file events, at most 60 s) until the controller has written its connection file. */
    private static void awaitConnectionFile(WatchService watch, Path file, Process controller) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!complete(file)) {
            if (!controller.isAlive()) throw new RiverException("ipcontroller exited with " + controller.exitValue() + "; see its log beside " + file);
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new RiverException("ipcontroller wrote no " + file.getFileName() + " within 60 s");
            WatchKey k = watch.poll(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
            if (k != null) {
                k.pollEvents();
                k.reset();
            }
        }
    }

    private static boolean complete(Path file) throws IOException {
        if (!Files.isRegularFile(file)) return false;
        String s = Files.readString(file).strip();
        return s.startsWith("{") && s.endsWith("}");
    }

    private static void stop(Process p) {
        List<ProcessHandle> kids = p.descendants().toList();
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        for (ProcessHandle k : kids) if (k.isAlive()) k.destroyForcibly();
    }

    private static Map<String, Double> parseJson(String s) {
        Map<String, Double> out = new LinkedHashMap<>();
        Matcher m = java.util.regex.Pattern.compile("\"(\\w+)\"\\s*:\\s*([-0-9.eE+]+)").matcher(s);
        while (m.find()) out.put(m.group(1), Double.parseDouble(m.group(2)));
        if (out.isEmpty()) throw new RiverException("the ipyparallel benchmark printed no figures: " + s);
        return out;
    }

    // ---------------------------------------------------------------- report

    private record Row(String key, String label, String unit, boolean higherIsBetter, double target) {}

    private static final List<Row> ROWS = List.of(
            new Row("rtt_us", "round trip of one tiny call", "us", false, 20),
            new Row("tiny_per_s", "tiny tasks/s, forkwork chunksize 1", "/s", true, 50),
            new Row("map_per_s", "tiny items/s, map", "/s", true, 0),
            new Row("chunks_ms", "forkwork 100,000 items, chunksize 1,000", "ms", false, 0),
            new Row("push_mb_s", "push of a 64 MiB byte[] argument", "MB/s", true, 10),
            new Row("loopback_mb_s", "(ceiling: raw TCP loopback, 64 MiB)", "MB/s", true, 0));

    /** How many times better River is (>1: River better). */
    private static double ratio(Row row, double river, double ipp) {
        return row.higherIsBetter() ? river / ipp : ipp / river;
    }

    private void print(Map<String, Double> river, Map<String, Double> ipp) {
        System.out.printf(Locale.ROOT, "%nTrickle vs ipyparallel, %d local engines each, same machine (river bench trickle)%n%n", engines);
        System.out.printf(Locale.ROOT, "%-42s %14s %14s %10s %9s%n", "", "River", ipp == null ? "" : "ipyparallel", ipp == null ? "" : "River is", "target");
        for (Row row : ROWS) {
            double r = river.get(row.key());
            String ippText = "";
            String ratioText = "";
            String target = row.target() > 0 ? ">= " + fmt(row.target()) + "x" : "";
            if (ipp != null && ipp.containsKey(row.key())) {
                double i = ipp.get(row.key());
                double x = ratio(row, r, i);
                ippText = fmt(i) + " " + row.unit();
                ratioText = fmt(x) + "x";
                if (row.target() > 0) target += x >= row.target() ? " ok" : " MISSED";
            }
            System.out.printf(Locale.ROOT, "%-42s %14s %14s %10s %9s%n", row.label(), fmt(r) + " " + row.unit(), ippText, ratioText, target);
        }
        System.out.printf(Locale.ROOT, "%nRiver vs baselines between two JVMs, same run (load average %.1f)%n", river.get("load_average"));
        System.out.printf(Locale.ROOT, "  vm.call round trip p50 / p99     %s / %s us   bare JeroMQ %s / %s us   ratio %s / %s%n",
                fmt(river.get("rtt_us")), fmt(river.get("rtt_p99_us")), fmt(river.get("zmq_rtt_p50_us")), fmt(river.get("zmq_rtt_p99_us")),
                fmt(river.get("ratio_rtt_p50_vs_zmq")), fmt(river.get("ratio_rtt_p99_vs_zmq")));
        System.out.printf(Locale.ROOT, "  64 MiB push                       %s MB/s   plain TCP stream %s MB/s   ratio %s%n",
                fmt(river.get("push_mb_s")), fmt(river.get("tcp_stream_mb_s")), fmt(river.get("ratio_push_vs_tcp_stream")));
        System.out.println();
    }

    private String toJson(Map<String, Double> river, Map<String, Double> ipp) {
        StringBuilder sb = new StringBuilder("{\"engines\": ").append(engines).append(", \"river\": ").append(obj(river));
        if (ipp != null) {
            sb.append(", \"ipyparallel\": ").append(obj(ipp)).append(", \"river_better_by\": {");
            int n = 0;
            for (Row row : ROWS) {
                if (!ipp.containsKey(row.key())) continue;
                sb.append(n++ == 0 ? "" : ", ").append('"').append(row.key()).append("\": ")
                        .append(String.format(Locale.ROOT, "%.2f", ratio(row, river.get(row.key()), ipp.get(row.key()))));
            }
            sb.append('}');
        }
        return sb.append('}').toString();
    }

    private static String obj(Map<String, Double> m) {
        StringBuilder sb = new StringBuilder("{");
        m.forEach((k, v) -> sb.append(sb.length() == 1 ? "" : ", ").append('"').append(k).append("\": ")
                .append(String.format(Locale.ROOT, "%.2f", v)));
        return sb.append('}').toString();
    }

    private static String fmt(double v) {
        if (v >= 100) return String.format(Locale.ROOT, "%,.0f", v);
        if (v >= 10) return String.format(Locale.ROOT, "%.1f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private void status(String s) {
        if (!json) System.err.println(s);
    }
}
