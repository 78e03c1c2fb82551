package dev.river.bench;

import dev.river.core.LocalEngines;
import dev.river.core.RiverException;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The baselines River's benchmarks are compared with, measured in the same run between this JVM and a
 * second JVM it starts: a bare JeroMQ DEALER/ROUTER ping-pong and message stream, and a plain TCP
 * socket ping-pong and 64 MiB stream.
 *
 * <pre>{@code
 * Map<String, Double> base = Baselines.measure(20_000, 50_000, 1_000_000, 64);
 * }</pre>
 */
public final class Baselines {
    private static final byte PING = 'P', COUNT = 'N', END = 'E';

    private Baselines() {}

    /**
     * Starts the echo JVM, measures, stops it. Figures: {@code zmq_one_way_p50_us}, {@code _p99_us},
     * {@code zmq_messages_per_s}, {@code tcp_one_way_p50_us}, {@code _p99_us}, {@code tcp_stream_MiB_per_s}.
     */
    public static Map<String, Double> measure(int warmup, int roundTrips, int streamed, int streamMiB) {
        List<String> cmd = new ArrayList<>(LocalEngines.javaCommand());
        cmd.add(Baselines.class.getName());
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new RiverException("cannot start the baseline echo JVM: " + e.getMessage(), e);
        }
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String ready;
            do {
                ready = lines.readLine();   // skips what JVM options print first (e.g. a flight recording starting)
            } while (ready != null && !ready.startsWith("ready "));
            if (ready == null) throw new RiverException("the baseline echo JVM did not start (see its errors above)");
            String[] ports = ready.substring(6).split(" ");
            Map<String, Double> out = new LinkedHashMap<>();
            zmq(Integer.parseInt(ports[0]), warmup, roundTrips, streamed, out);
            tcp(Integer.parseInt(ports[1]), warmup, roundTrips, streamMiB, out);
            return out;
        } catch (IOException e) {
            throw new RiverException("measuring the baselines failed: " + e.getMessage(), e);
        } finally {
            p.destroy();
        }
    }

    private static void zmq(int port, int warmup, int roundTrips, int streamed, Map<String, Double> out) {
        try (ZContext ctx = new ZContext(1)) {
            ZMQ.Socket s = ctx.createSocket(SocketType.DEALER);
            s.setSndHWM(0);
            s.connect("tcp://127.0.0.1:" + port);
            byte[] ping = new byte[9];
            ping[0] = PING;
            for (int i = 0; i < warmup; i++) {
                s.send(ping, 0);
                s.recv(0);
            }
            long[] rtt = new long[roundTrips];
            for (int i = 0; i < roundTrips; i++) {
                long t0 = System.nanoTime();
                s.send(ping, 0);
                s.recv(0);
                rtt[i] = System.nanoTime() - t0;
            }
            percentiles("zmq", rtt, out);
            byte[] n = {COUNT, 0, 0, 0, 0, 0, 0, 0, 0};
            for (int round = 0; round < 2; round++) {   // the first is a warm-up
                long t0 = System.nanoTime();
                for (int i = 0; i < streamed; i++) s.send(n, 0);
                s.send(new byte[]{END}, 0);
                s.recv(0);
                out.put("zmq_messages_per_s", streamed / ((System.nanoTime() - t0) / 1e9));
            }
        }
    }

    private static void tcp(int port, int warmup, int roundTrips, int streamMiB, Map<String, Double> out) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setTcpNoDelay(true);
            DataOutputStream o = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            o.write(PING);
            byte[] b = new byte[8];
            for (int i = 0; i < warmup; i++) {
                o.write(b);
                in.readFully(b);
            }
            long[] rtt = new long[roundTrips];
            for (int i = 0; i < roundTrips; i++) {
                long t0 = System.nanoTime();
                o.write(b);
                in.readFully(b);
                rtt[i] = System.nanoTime() - t0;
            }
            percentiles("tcp", rtt, out);
        }
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSendBufferSize(4 << 20);
            DataOutputStream o = new DataOutputStream(s.getOutputStream());
            o.write(COUNT);
            byte[] data = new byte[streamMiB << 20];
            double[] secs = new double[4];
            for (int i = 0; i < secs.length; i++) {
                long t0 = System.nanoTime();
                o.writeInt(data.length);
                o.write(data);
                o.flush();
                if (s.getInputStream().read() != 1) throw new IOException("the TCP sink ended early");
                secs[i] = (System.nanoTime() - t0) / 1e9;
            }
            Arrays.sort(secs, 1, secs.length);   // the first is a warm-up
            out.put("tcp_stream_MiB_per_s", streamMiB / secs[1 + (secs.length - 1) / 2]);
        }
    }

    static void percentiles(String prefix, long[] rttNanos, Map<String, Double> out) {
        long[] r = rttNanos.clone();
        Arrays.sort(r);
        out.put(prefix + "_one_way_p50_us", r[r.length / 2] / 2e3);
        out.put(prefix + "_one_way_p99_us", r[(int) (r.length * 0.99)] / 2e3);
    }

    /** The echo JVM: a ROUTER that echoes pings and counts streams, and a TCP server that echoes or sinks. */
    public static void main(String[] args) throws IOException {
        ZContext ctx = new ZContext(1);
        ZMQ.Socket router = ctx.createSocket(SocketType.ROUTER);
        router.setRcvHWM(0);
        int zport = router.bindToRandomPort("tcp://127.0.0.1");
        ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        Thread z = new Thread(() -> {
            long count = 0;
            while (true) {
                byte[] id = router.recv(0);
                byte[] m = router.recv(0);
                if (m[0] == PING) {
                    router.send(id, ZMQ.SNDMORE);
                    router.send(m, 0);
                } else if (m[0] == COUNT) {
                    count++;
                } else {
                    router.send(id, ZMQ.SNDMORE);
                    router.send(Long.toString(count), 0);
                    count = 0;
                }
            }
        }, "baseline-zmq");
        z.setDaemon(true);
        z.start();
        System.out.println("ready " + zport + " " + server.getLocalPort());
        System.out.flush();
        while (true) {
            Socket c = server.accept();
            Thread t = new Thread(() -> serveTcp(c), "baseline-tcp");
            t.setDaemon(true);
            t.start();
        }
    }

    private static void serveTcp(Socket c) {
        try (c) {
            c.setTcpNoDelay(true);
            c.setReceiveBufferSize(4 << 20);
            DataInputStream in = new DataInputStream(c.getInputStream());
            var o = c.getOutputStream();
            int mode = in.read();
            byte[] b = new byte[mode == PING ? 8 : 1 << 20];
            while (true) {
                if (mode == PING) {
                    in.readFully(b);
                    o.write(b);
                } else {
                    int left = in.readInt();
                    while (left > 0) {
                        int n = in.read(b, 0, Math.min(b.length, left));
                        if (n < 0) return;
                        left -= n;
                    }
                    o.write(1);
                }
            }
        } catch (java.io.EOFException e) {
            // the client is done
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
