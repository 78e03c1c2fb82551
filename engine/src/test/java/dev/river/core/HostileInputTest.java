package dev.river.core;

import dev.river.security.ClusterSecret;
import dev.river.security.FrameAuth;
import dev.river.sfm.Attributes;
import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A fuzzer at an engine: random, truncated, tampered, oversized, wrongly keyed and replayed frames,
 * and forged beacons. Afterwards the engine still serves, and the state a VR held is intact: only the
 * one genuine message among them counted.
 */
class HostileInputTest {
    static Cluster cluster;
    static final Duration T = Duration.ofSeconds(60);

    @BeforeAll static void up() {
        cluster = Cluster.start(1, List.of("--max-frame-mb", "1"));
    }

    @AfterAll static void down() {
        cluster.close();
    }

    /** Adds up what it is sent; answers "get" with the total. */
    public static final class Accumulator extends VirtualResource {
        private long total;

        @Override protected void main() {
            while (true) {
                Message m = recv();
                if (m.has("add")) total += m.getLong("add");
                if (m.has("get")) send(m.src(), "total", total);
            }
        }
    }

    @Test
    void anEngineSurvivesAThousandHostileFramesAndLosesNothing() throws Exception {
        VirtualResource d = cluster.driver();
        VmInfo vm = cluster.vms().get(0);
        VrId acc = d.deploy(vm, Accumulator.class);
        for (int i = 0; i < 100; i++) d.send(acc, "add", 1L);

        FrameAuth realKey = new FrameAuth(ClusterSecret.load().key());
        FrameAuth wrongKey = new FrameAuth(new byte[32]);
        Random rnd = new Random(42);
        UUID fakeVm = UUID.randomUUID();
        byte[][] genuine = frame(realKey, acc, fakeVm, 1, Map.of("add", 1000L));
        int sent = 0;
        try (ZContext ctx = new ZContext(); ) {
            ZMQ.Socket s = ctx.createSocket(SocketType.DEALER);
            s.setLinger(0);
            s.connect("tcp://" + vm.address());
            for (int i = 0; i < 300; i++, sent++) {                  // random garbage, 1-5 parts
                byte[][] parts = new byte[1 + rnd.nextInt(5)][];
                for (int p = 0; p < parts.length; p++) {
                    parts[p] = new byte[rnd.nextInt(200)];
                    rnd.nextBytes(parts[p]);
                }
                send(s, parts);
            }
            for (int i = 0; i < 200; i++, sent++) {                  // truncated or tampered genuine frames
                byte[][] f = frame(realKey, acc, fakeVm, 1000 + i, Map.of("add", 1_000_000L));
                switch (i % 4) {
                    case 0 -> f[0] = Arrays.copyOf(f[0], rnd.nextInt(f[0].length));
                    case 1 -> f = Arrays.copyOf(f, f.length - 1);                    // MAC missing
                    case 2 -> f[1][rnd.nextInt(f[1].length)] ^= 1;                   // body bit flipped
                    default -> f[f.length - 1] = Arrays.copyOf(f[f.length - 1], 16);  // MAC cut
                }
                send(s, f);
            }
            for (int i = 0; i < 100; i++, sent++) {                  // sealed with another key
                send(s, frame(wrongKey, acc, fakeVm, 5000 + i, Map.of("add", 1_000_000L)));
            }
            send(s, genuine);                                        // the one genuine message
            sent++;
            for (int i = 0; i < 200; i++, sent++) send(s, genuine);  // and its replays
            for (int i = 0; i < 100; i++, sent++) {                  // oversized: more than --max-frame-mb
                send(s, new byte[][]{new byte[(1 << 20) + 1 + i]});
            }
        }
        int beacons = fuzzBeacons(rnd);
        assertTrue(sent + beacons >= 1000, "at least 1000 hostile inputs");

        d.send(acc, "get", true);
        assertEquals(100 + 1000, d.recv(T, "src", acc).getLong("total"),
                "the 100 genuine adds and the one genuine frame counted; nothing hostile did, nothing was lost");
        VrId fresh = d.deploy(vm, Accumulator.class);
        d.send(fresh, "add", 7L, "get", true);
        assertEquals(7, d.recv(T, "src", fresh).getLong("total"), "the engine still deploys and serves");
        assertTrue(cluster.engines().isAlive(0));
        assertEquals(List.of(vm.id()), d.discover().stream().map(VmInfo::id).toList(), "no forged engine was discovered");
    }

    private static byte[][] frame(FrameAuth auth, VrId dest, UUID vm, long counter, Map<String, Object> attrs) {
        Attributes.Encoded e = Attributes.encode(attrs, HostileInputTest.class.getClassLoader());
        byte[] header = Proto.header(Proto.MSG, 0, dest.uuid(), UUID.randomUUID(), vm, counter, System.currentTimeMillis(), "127.0.0.1:1");
        return auth.seal(new byte[][]{header, e.body()});
    }

    private static void send(ZMQ.Socket s, byte[][] parts) {
        for (int i = 0; i < parts.length; i++) s.send(parts[i], i < parts.length - 1 ? ZMQ.SNDMORE : 0);
    }

    private static int fuzzBeacons(Random rnd) throws Exception {
        int port = Integer.parseInt(System.getProperty("river.discovery.port"));
        InetAddress to = InetAddress.getByName("127.255.255.255");
        int n = 0;
        try (DatagramSocket u = new DatagramSocket()) {
            u.setBroadcast(true);
            for (int i = 0; i < 300; i++, n++) {
                byte[] b;
                switch (i % 3) {
                    case 0 -> {
                        b = new byte[rnd.nextInt(300)];
                        rnd.nextBytes(b);
                    }
                    case 1 -> b = ("RIVER1|" + UUID.randomUUID() + "|forged|127.0.0.1|9|64|1|0|0|0||" + System.currentTimeMillis()
                            + "|" + "00".repeat(32)).getBytes(StandardCharsets.UTF_8);
                    default -> b = ("RIVER1|" + "x|".repeat(rnd.nextInt(20))).getBytes(StandardCharsets.UTF_8);
                }
                u.send(new DatagramPacket(b, b.length, to, port));
            }
        }
        return n;
    }
}
