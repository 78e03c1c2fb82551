package dev.river.kernel.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.river.kernel.Kernelspec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code river kernel bench}: how fast the kernel is ready and how long a forkwork cell takes, measured
 * through jupyter_client like a front-end sees it, on this build's kernel and a private discovery port.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the kernel: launch to first cell result, and a %%river forkwork cell of 1,000 tiny items on 2 local engines.")
final class KernelBenchCommand implements Callable<Integer> {
    @Option(names = "--runs", description = "Kernel launches to time. Default: ${DEFAULT-VALUE}")
    int runs = 5;

    @Option(names = "--repeat", description = "Timed forkwork cells per chunk size. Default: ${DEFAULT-VALUE}")
    int repeat = 5;

    @Option(names = "--java", paramLabel = "JAVA", description = "Run the kernel on this java. Default: the one running this command")
    String java;

    @Option(names = "--json", description = "Print the figures as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Path prefix = Files.createTempDirectory("river-bench-");
        Kernelspec spec = Kernelspec.defaults();
        if (java != null) spec = spec.onJava(java);
        Path data = Kernelspec.prefixDataDir(prefix);
        spec.install(data);
        List<String> cmd = new ArrayList<>(List.of(Jupyter.python(), Jupyter.script("bench_kernel.py").toString(),
                "--runs", Integer.toString(runs), "--repeat", Integer.toString(repeat)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("JUPYTER_PATH", data.toString());
        // a discovery port of its own: engines elsewhere on this machine must not join the measurement
        try (var s = new java.net.DatagramSocket(0)) {
            pb.environment().put("RIVER_DISCOVERY_PORT", Integer.toString(s.getLocalPort()));
        }
        pb.environment().put("RIVER_BEACON_MS", "200");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException("the benchmark failed:\n" + out);
        String line = out.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no result from the benchmark:\n" + out)).substring(7);
        JsonObject r = JsonParser.parseString(line).getAsJsonObject();
        r.addProperty("java", spec.java());
        r.addProperty("java_version", javaVersion(spec.java()));
        r.addProperty("cores", Runtime.getRuntime().availableProcessors());
        if (json) {
            System.out.println(r);
            return 0;
        }
        JsonObject ready = r.getAsJsonObject("kernel_first_result_s");
        System.out.printf(Locale.ROOT, "kernel on %s (%d cores)%n", r.get("java_version").getAsString(), r.get("cores").getAsInt());
        System.out.printf(Locale.ROOT, "launch to first cell result: best %.2f s, median %.2f s (%d launches)%n",
                ready.get("best").getAsDouble(), ready.get("median").getAsDouble(), runs);
        JsonObject fw = r.getAsJsonObject("forkwork_1000_items_2_engines_s");
        for (String k : fw.keySet()) {
            JsonObject t = fw.getAsJsonObject(k);
            System.out.printf(Locale.ROOT, "%%river forkwork, 1000 tiny items, 2 engines, chunksize %-9s: best %.3f s, median %.3f s%n",
                    k, t.get("best_s").getAsDouble(), t.get("median_s").getAsDouble());
        }
        return 0;
    }

    private static String javaVersion(String java) {
        try {
            Process p = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("?");
            p.waitFor();
            return v.replace("\"", "");
        } catch (Exception e) {
            return java + File.separator + "?";
        }
    }
}
