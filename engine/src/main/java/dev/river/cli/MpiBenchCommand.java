package dev.river.cli;

import dev.river.core.LocalEngines;
import dev.river.core.River;
import dev.river.mpi.Mpirun;
import dev.river.mpi.programs.MpiBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

/**
 * {@code river bench mpi}: rMPI against mpi4py on Open MPI over TCP, two ranks on loopback: one-way
 * latency (8 bytes), bandwidth (16 MiB ping-pong), allreduce of one double, barrier; prints both and
 * their ratios (targets: latency at most 3x mpi4py's, bandwidth at least half).
 */
@Command(name = "mpi", mixinStandardHelpOptions = true,
        description = "rMPI vs mpi4py (Open MPI, TCP): latency, 16 MiB bandwidth, allreduce and barrier with 2 ranks. rMPI"
                + " runs on two local engines started for the benchmark (or --engines); mpi4py with mpirun --mca pml ob1"
                + " --mca btl tcp,self (Debian's openmpi-bin and python3-mpi4py); runs alternate and the best of each is shown.")
final class MpiBenchCommand implements Callable<Integer> {
    private static final String[] KEYS = {"latency_us", "bandwidth_mib_s", "allreduce_us", "barrier_us",
            "latency_p50_us", "latency_p99_us", "allreduce_p50_us", "allreduce_p99_us"};

    @Option(names = "--iters", description = "Iterations of the small-message measurements. Default: ${DEFAULT-VALUE}")
    int iters = 10_000;

    @Option(names = "--rounds", description = "Rounds within each run. Default: ${DEFAULT-VALUE}")
    int rounds = 3;

    @Option(names = "--repeat", description = "Runs of each side, alternating rMPI and mpi4py (fair on a busy machine); each figure is the best. Default: ${DEFAULT-VALUE}")
    int repeat = 3;

    @Option(names = "--engines", split = ",", paramLabel = "HOST:PORT", description = "Engines for rMPI (default: two local engines)")
    List<String> engines = new ArrayList<>();

    @Option(names = "--no-mpi4py", description = "Measure rMPI only")
    boolean skipMpi4py;

    @Option(names = "--timeout", description = "Seconds each run may take. Default: ${DEFAULT-VALUE}")
    long timeout = 300;

    @Option(names = "--json", description = "Print the figures as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, Double> river = null, py = null;
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        for (int i = 0; i < repeat; i++) {
            river = best(river, rmpi());
            if (!skipMpi4py) py = best(py, mpi4py());
        }
        if (json) {
            StringBuilder sb = new StringBuilder("{\"rmpi\": ").append(toJson(river));
            if (py != null) sb.append(", \"mpi4py\": ").append(toJson(py));
            System.out.println(sb.append('}'));
            return 0;
        }
        System.out.printf(Locale.ROOT, "rMPI vs mpi4py (Open MPI over TCP), 2 ranks on loopback; best of %d alternating runs x %d rounds"
                + " (load average %.1f on %d cores)%n", repeat, rounds, load, Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%-26s %12s %12s %10s%n", "", "rMPI", "mpi4py", "ratio");
        row("latency, 8 B one-way", "us", river, py, "latency_us");
        row("bandwidth, 16 MiB", "MiB/s", river, py, "bandwidth_mib_s");
        row("allreduce, 1 double", "us", river, py, "allreduce_us");
        row("barrier", "us", river, py, "barrier_us");
        row("latency p50", "us", river, py, "latency_p50_us");
        row("latency p99", "us", river, py, "latency_p99_us");
        row("allreduce p50", "us", river, py, "allreduce_p50_us");
        row("allreduce p99", "us", river, py, "allreduce_p99_us");
        if (py != null) {
            System.out.printf(Locale.ROOT, "targets: latency <= 3x mpi4py (%.2fx), bandwidth >= 0.5x mpi4py (%.2fx)%n",
                    river.get("latency_us") / py.get("latency_us"), river.get("bandwidth_mib_s") / py.get("bandwidth_mib_s"));
        }
        return 0;
    }

    /** The better figure of each kind: lowest times, highest bandwidth. */
    private static Map<String, Double> best(Map<String, Double> a, Map<String, Double> b) {
        if (a == null) return b;
        Map<String, Double> m = new LinkedHashMap<>();
        for (String k : KEYS) m.put(k, k.equals("bandwidth_mib_s") ? Math.max(a.get(k), b.get(k)) : Math.min(a.get(k), b.get(k)));
        return m;
    }

    private static void row(String name, String unit, Map<String, Double> a, Map<String, Double> b, String key) {
        String bs = b == null ? "-" : String.format(Locale.ROOT, "%.2f", b.get(key));
        String ratio = b == null ? "-" : String.format(Locale.ROOT, "%.2fx", a.get(key) / b.get(key));
        System.out.printf(Locale.ROOT, "%-26s %12s %12s %10s%n", name + " (" + unit + ")", String.format(Locale.ROOT, "%.2f", a.get(key)), bs, ratio);
    }

    private Map<String, Double> rmpi() {
        for (int attempt = 1; ; attempt++) {
            LocalEngines local = null;
            try {
                List<String> where = engines;
                if (where.isEmpty()) {
                    local = River.startLocalEngines(2);
                    where = local.addresses();
                }
                String[] line = new String[1];
                Mpirun.Result r = Mpirun.options().np(2).engines(where).timeout(Duration.ofSeconds(timeout))
                        .output(l -> {
                            if (l.text().startsWith("RMPI-BENCH ")) line[0] = l.text().substring("RMPI-BENCH ".length());
                            else l.print();
                        })
                        .run(MpiBenchmark.class, "--iters", Integer.toString(iters), "--rounds", Integer.toString(rounds));
                if (r.ok() && line[0] != null) return parse(line[0]);
                // fresh engines sometimes never answer their first request (docs/mpi.md, Known issues): new ones
                boolean retry = local != null && attempt < 3 && String.valueOf(r.failure()).contains("did not answer");
                if (!retry) throw new IllegalStateException("the rMPI benchmark failed: " + r.failure());
            } finally {
                if (local != null) local.close();
            }
        }
    }

    private Map<String, Double> mpi4py() throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("river.home", "."), "install", "bench", "mpi4py_bench.py");
        if (!Files.isRegularFile(script)) throw new IllegalStateException("missing " + script + " (run from the River checkout or set river.home)");
        String python = new File("/usr/bin/python3").canExecute() ? "/usr/bin/python3" : "python3";
        List<String> cmd = List.of("mpirun", "--allow-run-as-root", "--oversubscribe", "--mca", "pml", "ob1", "--mca", "btl", "tcp,self",
                "-np", "2", python, script.toString(), "--iters", Integer.toString(iters), "--rounds", Integer.toString(rounds));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run Open MPI's mpirun (install openmpi-bin and python3-mpi4py: install/requirements --for-tests): " + e.getMessage(), e);
        }
        StringBuilder all = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    synchronized (all) {
                        all.append(l).append('\n');
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "mpi4py-output");
        reader.start();
        if (!p.waitFor(timeout, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException("the mpi4py benchmark did not finish within " + timeout + " s (--timeout); is the machine overloaded?");
        }
        reader.join(5000);
        String result = null;
        synchronized (all) {
            for (String l : all.toString().split("\n")) if (l.startsWith("{")) result = l;
        }
        if (p.exitValue() != 0 || result == null) throw new IllegalStateException("the mpi4py benchmark failed:\n" + all);
        return parse(result);
    }

    /** Reads the four figures of a one-line JSON object. */
    static Map<String, Double> parse(String jsonLine) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String k : KEYS) {
            Matcher x = java.util.regex.Pattern.compile("\"" + k + "\"\\s*:\\s*([0-9.eE+-]+)").matcher(jsonLine);
            if (!x.find()) throw new IllegalStateException("no " + k + " in " + jsonLine);
            m.put(k, Double.parseDouble(x.group(1)));
        }
        return m;
    }

    private static String toJson(Map<String, Double> m) {
        StringBuilder sb = new StringBuilder("{");
        m.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append('"').append(k).append("\": ").append(String.format(Locale.ROOT, "%.3f", v)));
        return sb.append('}').toString();
    }
}
