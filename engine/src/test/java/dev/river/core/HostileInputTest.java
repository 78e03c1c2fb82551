package dev.river.core;

import dev.river.security.ClusterSecret;
import dev.river.sfm.Attributes;
import dev.river.sfm.Codec;
import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
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
 * A fuzzer at an engine: raw TCP peers that send garbage, fail or replay the cluster-key handshake,
 * or hold the key and send malformed and oversized frames; and forged beacons. Afterwards the engine
 * still serves, and the state a VR held is intact: only the one genuine message among them counted.
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
    void anEngineSurvivesAThousandHostileInputsAndLosesNothing() throws Exception {
        VirtualResource d = cluster.driver();
        VmInfo vm = cluster.vms().get(0);
        VrId acc = d.deploy(vm, Accumulator.class);
        for (int i = 0; i < 100; i++) d.send(acc, "add", 1L);

        byte[] realKey = ClusterSecret.load().key();
        byte[] wrongKey = new byte[32];
        Random rnd = new Random(42);
        int sent = 0;
        for (int i = 0; i < 200; i++, sent++) {                          // random garbage instead of a handshake
            try (Socket s = connect(vm)) {
                byte[] junk = new byte[1 + rnd.nextInt(300)];
                rnd.nextBytes(junk);
                if (i % 2 == 0) System.arraycopy(ByteBuffer.allocate(4).putInt(Wire.MAGIC).array(), 0, junk, 0, Math.min(4, junk.length));
                writeIgnoringReset(s, junk);
                s.shutdownOutput();   // so a short prefix ends in end-of-stream rather than the handshake timeout
                assertClosedByEngine(s);
            }
        }
        for (int i = 0; i < 200; i++, sent++) {                          // the handshake with another cluster's key, then messages
            try (Socket s = connect(vm)) {
                handshake(s, wrongKey);
                assertClosedByEngine(s);
                writeIgnoringReset(s, Wire.small(message(acc, Map.of("add", 1_000_000L))).array());
            }
        }
        for (int i = 0; i < 50; i++, sent++) {                           // a proof replayed from an earlier connection
            try (Socket first = connect(vm); Socket second = connect(vm)) {
                byte[] proof = handshake(first, realKey);
                byte[] clientNonce = new byte[Wire.NONCE];
                second.getOutputStream().write(Wire.hello(clientNonce).array());
                new DataInputStream(second.getInputStream()).readFully(new byte[Wire.NONCE + Wire.MAC]);
                second.getOutputStream().write(proof);
                assertClosedByEngine(second);
            }
        }
        try (Socket s = connect(vm)) {                                    // a peer with the key: one genuine message among malformed ones
            handshake(s, realKey);
            OutputStream out = s.getOutputStream();
            out.write(Wire.small(message(acc, Map.of("add", 1000L))).array());
            sent++;
            for (int i = 0; i < 300; i++, sent++) {
                byte[][] f = message(acc, Map.of("add", 1_000_000L));
                switch (i % 3) {
                    case 0 -> f[0] = Arrays.copyOf(f[0], rnd.nextInt(f[0].length));   // truncated header
                    case 1 -> f[0][0] = 99;                                              // wrong protocol version
                    default -> f = new byte[][]{f[0]};                                   // no body
                }
                out.write(Wire.small(f).array());
            }
            byte[][] oversized = {new byte[(1 << 20) + 1], new byte[1]};          // more than --max-frame-mb
            out.write(Wire.bulkStart(oversized).array());
            sent++;
            assertClosedByEngine(s);
        }
        int beacons = fuzzBeacons(rnd);
        assertTrue(sent + beacons >= 1000, "at least 1000 hostile inputs");

        d.send(acc, "get", true);
        assertEquals(100 + 1000, d.recv(T, "src", acc).getLong("total"),
                "the 100 genuine adds and the one genuine message counted; nothing hostile did, nothing was lost");
        VrId fresh = d.deploy(vm, Accumulator.class);
        d.send(fresh, "add", 7L, "get", true);
        assertEquals(7, d.recv(T, "src", fresh).getLong("total"), "the engine still deploys and serves");
        assertTrue(cluster.engines().isAlive(0));
        assertEquals(List.of(vm.id()), d.discover().stream().map(VmInfo::id).toList(), "no forged engine was discovered");
    }

    /**
     * A raw socket peer without the cluster key: the engine closes its connection before reading a
     * single message, so its deploy request, its message to a VR and its reply never take effect.
     */
    @Test
    void aPeerWithoutTheKeyCannotDeployInjectOrSend() throws Exception {
        VirtualResource d = cluster.driver();
        VmInfo vm = cluster.vms().get(0);
        VrId acc = d.deploy(vm, Accumulator.class);
        int vrsBefore = vrsOn(vm);
        byte[] deploy = Codec.encode(new Control.Deploy(UUID.randomUUID(), dev.river.bench.SfmBench.Ponger.class.getName(),
                vm.address(), UUID.randomUUID(), null, UUID.randomUUID(), null), HostileInputTest.class.getClassLoader());
        byte[][] req = {Proto.header(Proto.REQ, 1, Proto.nil(), Proto.nil(), UUID.randomUUID(), 1, System.currentTimeMillis(), "127.0.0.1:1"), deploy};
        byte[][] reply = {Proto.header(Proto.REPLY, 1, Proto.nil(), Proto.nil(), UUID.randomUUID(), 1, System.currentTimeMillis(), "127.0.0.1:1"),
                Codec.encode(new Control.Reply(true, null), HostileInputTest.class.getClassLoader())};
        for (boolean tryHandshake : new boolean[]{false, true}) {
            try (Socket s = connect(vm)) {
                if (tryHandshake) {
                    handshake(s, new byte[32]);
                } else {
                    s.getOutputStream().write(Wire.hello(new byte[Wire.NONCE]).array());   // skip the proof: frames at once
                }
                writeIgnoringReset(s, Wire.small(req).array());
                writeIgnoringReset(s, Wire.small(message(acc, Map.of("add", 1_000_000L))).array());
                writeIgnoringReset(s, Wire.small(reply).array());
                assertClosedByEngine(s);
            }
        }
        d.send(acc, "get", true);
        assertEquals(0, d.recv(T, "src", acc).getLong("total"), "no message of the peer without the key reached the VR");
        assertEquals(vrsBefore, vrsOn(vm), "the peer without the key deployed nothing");

        // And River sends nothing to a listener that cannot prove the key: it gets the hello, then the connection ends.
        try (ServerSocket impostor = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            VrId fake = new VrId(UUID.randomUUID(), "127.0.0.1:" + impostor.getLocalPort());
            d.send(fake, "secret", "for cluster members only");
            try (Socket c = impostor.accept()) {
                c.setSoTimeout((int) T.toMillis());
                DataInputStream in = new DataInputStream(c.getInputStream());
                assertEquals(Wire.MAGIC, in.readInt());
                in.readFully(new byte[Wire.NONCE]);
                c.getOutputStream().write(new byte[Wire.NONCE + Wire.MAC]);   // a server nonce and a wrong proof
                assertEquals(-1, in.read(), "River closed the connection without sending its proof or any message");
            }
        }
    }

    private static int vrsOn(VmInfo vm) {
        @SuppressWarnings("unchecked")
        List<VmInfo> infos = (List<VmInfo>) Node.embedded().request(vm.address(), new Control.Status());
        return infos.stream().filter(i -> i.id().equals(vm.id())).findFirst().orElseThrow().vrs();
    }

    private static Socket connect(VmInfo vm) throws Exception {
        Socket s = new Socket(vm.host(), vm.port());
        s.setSoTimeout((int) T.toMillis());   // a guard against a hang, not a timed assertion
        return s;
    }

    /** The client side of the handshake with {@code key}; returns the proof sent. */
    private static byte[] handshake(Socket s, byte[] key) throws Exception {
        byte[] clientNonce = Wire.nonce();
        s.getOutputStream().write(Wire.hello(clientNonce).array());
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] serverNonce = new byte[Wire.NONCE];
        in.readFully(serverNonce);
        in.readFully(new byte[Wire.MAC]);
        byte[] proof = Wire.mac(key, 'C', serverNonce, clientNonce);
        s.getOutputStream().write(proof);
        return proof;
    }

    /** The engine ends the connection: the next read sees end of stream (or a reset). */
    private static void assertClosedByEngine(Socket s) throws Exception {
        try {
            while (true) {
                int b = s.getInputStream().read();
                if (b < 0) return;
            }
        } catch (java.net.SocketException e) {
            // reset: closed too
        }
    }

    private static void writeIgnoringReset(Socket s, byte[] bytes) {
        try {
            s.getOutputStream().write(bytes);
        } catch (java.io.IOException e) {
            // the engine may have closed the connection already; that is the point
        }
    }

    private static byte[][] message(VrId dest, Map<String, Object> attrs) {
        Attributes.Encoded e = Attributes.encode(attrs, HostileInputTest.class.getClassLoader());
        byte[] header = Proto.header(Proto.MSG, 0, dest.uuid(), UUID.randomUUID(), UUID.randomUUID(), 1, System.currentTimeMillis(), "127.0.0.1:1");
        return new byte[][]{header, e.body()};
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
