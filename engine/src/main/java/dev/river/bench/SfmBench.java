package dev.river.bench;

import dev.river.core.LocalEngines;
import dev.river.core.Message;
import dev.river.core.NodeConfig;
import dev.river.core.River;
import dev.river.core.VirtualResource;
import dev.river.core.VrId;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code river bench sfm}: Super Flexible Messaging between two engines on loopback. A Pinger VR on
 * engine A measures, against a Ponger VR on engine B: one-way latency of small messages (half the
 * round trip, percentiles over many round trips), one-way small-message rate (a stream of sends, then
 * one acknowledgement), bandwidth for a 64 MiB {@code double[]}, and small-message latency while
 * another VR streams 64 MiB arrays over the same connection; then the {@link Baselines} between
 * two JVMs in the same run, and River's ratios to them.
 *
 * <pre>{@code
 * Map<String, Double> figures = SfmBench.run(SfmBench.Options.defaults());
 * }</pre>
 */
public final class SfmBench {
    private SfmBench() {}

    /** How much to measure. */
    public record Options(int warmup, int roundTrips, int streamed, int arrayMiB, int arrayRepeats) {
        public static Options defaults() {
            return new Options(20_000, 50_000, 1_000_000, 64, 5);
        }

        public static Options quick() {
            return new Options(2_000, 5_000, 100_000, 8, 2);
        }
    }

    /** Runs the benchmark on two fresh local engines; returns named figures (µs, msgs/s, MiB/s). */
    public static Map<String, Double> run(Options o) {
        try (LocalEngines engines = LocalEngines.start(2, NodeConfig.client().withDiscoveryPort(0))) {
            VirtualResource driver = River.attach("bench-sfm");
            try {
                VrId pong = driver.deployTo(List.of(engines.addresses().get(1)), Ponger.class).get(0);
                VrId sink = driver.deployTo(List.of(engines.addresses().get(1)), Ponger.class).get(0);
                VrId bulker = driver.deployTo(List.of(engines.addresses().get(0)), Bulker.class, sink, o).get(0);
                VrId ping = driver.deployTo(List.of(engines.addresses().get(0)), Pinger.class, pong, o, bulker).get(0);
                Message r = driver.recv(Duration.ofMinutes(10), "src", ping, "results", dev.river.core.Match.ANY);
                Map<String, Double> out = new LinkedHashMap<>(r.<Map<String, Double>>get("results"));
                Map<String, Double> base = Baselines.measure(o.warmup(), o.roundTrips(), o.streamed(), o.arrayMiB());
                out.putAll(base);
                ratios(out);
                return out;
            } finally {
                River.detach(driver);
            }
        }
    }

    /** River over the baselines: above 1 means River is slower (latency) or faster (rate, bandwidth). */
    static void ratios(Map<String, Double> f) {
        f.put("ratio_latency_p50_vs_zmq", f.get("latency_one_way_p50_us") / f.get("zmq_one_way_p50_us"));
        f.put("ratio_latency_p99_vs_zmq", f.get("latency_one_way_p99_us") / f.get("zmq_one_way_p99_us"));
        f.put("ratio_latency_p50_vs_tcp", f.get("latency_one_way_p50_us") / f.get("tcp_one_way_p50_us"));
        f.put("ratio_latency_p99_vs_tcp", f.get("latency_one_way_p99_us") / f.get("tcp_one_way_p99_us"));
        f.put("ratio_rate_vs_zmq", f.get("small_messages_per_s") / f.get("zmq_messages_per_s"));
        f.put("ratio_bandwidth_vs_tcp", f.get("array_bandwidth_MiB_per_s") / f.get("tcp_stream_MiB_per_s"));
        f.put("load_average", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** Answers pings, counts streamed messages, acknowledges arrays. */
    public static final class Ponger extends VirtualResource {
        @Override protected void main() {
            long counted = 0;
            while (true) {
                Message m = recv();
                if (m.has("p")) {
                    send(m.src(), "p", m.getInt("p"));
                } else if (m.has("n")) {
                    if (++counted == m.getLong("of")) {
                        send(m.src(), "streamed", counted);
                        counted = 0;
                    }
                } else if (m.has("data")) {
                    Object d = m.get("data");
                    send(m.src(), "got", java.lang.reflect.Array.getLength(d));
                } else if (m.has("stop")) {
                    return;
                }
            }
        }
    }

    /** On engine A: on "go", streams 64 MiB byte[]s to a sink on engine B (the same connection as the pings), then says "done". */
    public static final class Bulker extends VirtualResource {
        @Override protected void main() {
            VrId sink = arg(0);
            Options o = arg(1);
            byte[] data = new byte[o.arrayMiB() << 20];
            Message go = recv("go", dev.river.core.Match.ANY);
            for (int i = 0; i < o.arrayRepeats(); i++) {
                send(sink, "data", data);
                recv("got", dev.river.core.Match.ANY);
            }
            send(go.src(), "done", true);
        }
    }

    /** Drives the measurements from engine A and reports to the parent. */
    public static final class Pinger extends VirtualResource {
        @Override protected void main() {
            VrId pong = arg(0);
            Options o = arg(1);
            Map<String, Double> out = new LinkedHashMap<>();
            for (int i = 0; i < o.warmup(); i++) roundTrip(pong, i);
            long[] rtt = new long[o.roundTrips()];
            for (int i = 0; i < rtt.length; i++) {
                long t0 = System.nanoTime();
                roundTrip(pong, i);
                rtt[i] = System.nanoTime() - t0;
            }
            Arrays.sort(rtt);
            out.put("latency_one_way_p50_us", rtt[rtt.length / 2] / 2e3);
            out.put("latency_one_way_p99_us", rtt[(int) (rtt.length * 0.99)] / 2e3);
            out.put("latency_one_way_mean_us", Arrays.stream(rtt).average().orElse(0) / 2e3);

            stream(pong, o.streamed() / 10);   // warm-up
            long t0 = System.nanoTime();
            stream(pong, o.streamed());
            double secs = (System.nanoTime() - t0) / 1e9;
            out.put("small_messages_per_s", o.streamed() / secs);

            double[] data = new double[o.arrayMiB() * (1 << 20) / 8];
            Arrays.fill(data, 1.5);
            send(pong, "data", data);
            recv("got", dev.river.core.Match.ANY);
            double[] times = new double[o.arrayRepeats()];
            for (int i = 0; i < times.length; i++) {
                long s = System.nanoTime();
                send(pong, "data", data);
                recv("got", dev.river.core.Match.ANY);
                times[i] = (System.nanoTime() - s) / 1e9;
            }
            Arrays.sort(times);
            out.put("array_MiB", (double) o.arrayMiB());
            out.put("array_bandwidth_MiB_per_s", o.arrayMiB() / times[times.length / 2]);
            // Small messages while another VR of this engine streams 64 MiB arrays to engine B over the same connection.
            VrId bulker = arg(2);
            send(bulker, "go", true);
            List<Long> during = new java.util.ArrayList<>();
            int i = 0;
            while (poll("done", dev.river.core.Match.ANY) == null) {
                long s = System.nanoTime();
                roundTrip(pong, i++);
                during.add(System.nanoTime() - s);
            }
            long[] d = during.stream().mapToLong(Long::longValue).sorted().toArray();
            out.put("latency_during_bulk_p50_us", d[d.length / 2] / 2e3);
            out.put("latency_during_bulk_p99_us", d[(int) (d.length * 0.99)] / 2e3);
            send(pong, "stop", true);
            send(parent(), "results", out);
        }

        private void roundTrip(VrId pong, int i) {
            send(pong, "p", i);
            recv("p", i);
        }

        private void stream(VrId pong, int n) {
            for (int i = 0; i < n; i++) send(pong, "n", i, "of", (long) n);
            recv("streamed", dev.river.core.Match.ANY);
        }
    }
}
