package dev.river.core;

import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.*;

/** Super Flexible Messaging between the test JVM and VRs on real engines. */
class SfmTest {
    static Cluster cluster;
    static final Duration T = Duration.ofSeconds(60);

    @BeforeAll static void up() {
        cluster = Cluster.start(2);
    }

    @AfterAll static void down() {
        cluster.close();
    }

    /** Sends the messages it is told to, in order, to the VR it is told to. */
    public static final class Sender extends VirtualResource {
        @Override protected void main() {
            Message order = recv();
            VrId to = order.get("to");
            List<Map<String, Object>> msgs = order.get("msgs");
            int repeat = order.has("repeat") ? order.getInt("repeat") : 0;
            for (Map<String, Object> m : msgs) {
                Object[] pairs = new Object[m.size() * 2];
                int i = 0;
                for (var e : m.entrySet()) {
                    pairs[i++] = e.getKey();
                    pairs[i++] = e.getValue();
                }
                send(to, pairs);
            }
            for (int i = 0; i < repeat; i++) send(to, "seq", i);
        }
    }

    /** Echoes every message back with the same attributes, until told "stop". */
    public static final class Echo extends VirtualResource {
        @Override protected void main() {
            while (true) {
                Message m = recv();
                if (m.has("stop")) return;
                Object[] pairs = new Object[m.attributes().size() * 2];
                int i = 0;
                for (var e : m.attributes().entrySet()) {
                    pairs[i++] = e.getKey();
                    pairs[i++] = e.getValue();
                }
                send(m.src(), pairs);
            }
        }
    }

    /** Fails at once. */
    public static final class Thrower extends VirtualResource {
        @Override protected void main() {
            explode();
        }

        private void explode() {
            throw new IllegalStateException("boom from the VR");
        }
    }

    private static Map<String, Object> m(Object... kv) {
        return new java.util.LinkedHashMap<>(Pairs.toMap(kv, "test"));
    }

    @Test
    void selectiveReceiveAcrossTheNetworkKeepsPerSenderOrder() {
        VirtualResource d = cluster.driver();
        VrId s = d.deploy(cluster.vms().get(0), Sender.class);
        d.send(s, "to", d.uuid(), "msgs", List.of(
                m("tag", "a", "n", 1), m("tag", "b", "n", 2), m("tag", "a", "n", 3),
                m("tag", "b", "items", List.of(1, 2, 3)), m("tag", "b", "items", List.of(9))));
        assertEquals(3, d.recv(T, "tag", "a", "n", 3).getInt("n"), "a later message can be taken first");
        assertEquals(1, d.recv(T, "tag", "a").getInt("n"));
        Predicate<List<?>> single = x -> x.size() == 1;
        assertEquals(List.of(9), d.recv(T, "items", single).get("items"));
        assertEquals(List.of(1, 2, 3), d.recv(T, "src", s, "items", Match.ANY).get("items"));
        Message last = d.recv(T, "src", s);
        assertEquals(2, last.getInt("n"));
        assertEquals(s, last.src());
        assertEquals(d.uuid(), last.dest());
        assertNull(d.poll("src", s), "nothing else from s");
    }

    @Test
    void recvTimesOutWithAClearMessageAndPollNeverBlocks() {
        VirtualResource d = cluster.driver();
        assertNull(d.poll("tag", "never"));
        RecvTimeoutException e = assertThrows(RecvTimeoutException.class, () -> d.recv(Duration.ofMillis(200), "tag", "never"));
        assertTrue(e.getMessage().contains("{tag=never}") && e.getMessage().contains("200 ms"), e.getMessage());
    }

    @Test
    void fifoUnderLoadFromFourSendersOnTwoEngines() {
        VirtualResource d = cluster.driver();
        List<VmInfo> vms = cluster.vms();
        List<VrId> senders = d.deploy(List.of(vms.get(0), vms.get(1), vms.get(0), vms.get(1)), Sender.class);
        int n = 5000;
        for (VrId s : senders) d.send(s, "to", d.uuid(), "msgs", List.of(), "repeat", n);
        Map<VrId, Integer> next = new HashMap<>();
        for (int i = 0; i < 4 * n; i++) {
            Message msg = d.recv(T, "seq", Match.ANY);
            int expected = next.getOrDefault(msg.src(), 0);
            assertEquals(expected, msg.getInt("seq"), "FIFO from " + msg.src());
            next.put(msg.src(), expected + 1);
        }
        assertEquals(4, next.size());
        next.values().forEach(v -> assertEquals(n, v));
    }

    @Test
    void largePrimitiveArraysAndObjectsRoundTrip() {
        VirtualResource d = cluster.driver();
        VrId echo = d.deploy(cluster.vms().get(1), Echo.class);
        Random r = new Random(1);
        double[] big = new double[2_000_000];
        for (int i = 0; i < big.length; i++) big[i] = r.nextDouble();
        int[] ints = r.ints(100_000).toArray();
        byte[] bytes = new byte[3_000_000];
        r.nextBytes(bytes);
        long pooled = dev.river.sfm.BlobBuffers.inFlightBytes();
        d.send(echo, "big", big, "ints", ints, "bytes", bytes, "small", new long[]{1, 2, 3}, "text", "hé");
        assertTrue(dev.river.sfm.BlobBuffers.inFlightBytes() > pooled, "the arrays leave in pooled direct buffers");
        big[0] = -1;   // send is asynchronous but copies: mutating now must not change what was sent
        Message back = d.recv(T, "src", echo);
        double[] got = back.get("big");
        assertEquals(2_000_000, got.length);
        assertNotEquals(-1, got[0]);
        assertArrayEquals(java.util.Arrays.copyOfRange(big, 1, big.length), java.util.Arrays.copyOfRange(got, 1, got.length));
        assertArrayEquals(ints, back.get("ints"));
        assertArrayEquals(bytes, back.get("bytes"));
        assertArrayEquals(new long[]{1, 2, 3}, back.get("small"));
        assertEquals("hé", back.getString("text"));
        // Once written, the buffers go back to the pool (the write may still be returning while the echo arrives).
        long deadline = System.nanoTime() + T.toNanos();
        while (dev.river.sfm.BlobBuffers.inFlightBytes() != pooled && System.nanoTime() < deadline) Thread.onSpinWait();
        assertEquals(pooled, dev.river.sfm.BlobBuffers.inFlightBytes(), "every pooled buffer was given back");
        d.send(echo, "stop", true);
    }

    @Test
    void unserializablePayloadFailsAtTheSenderNamingAttributeAndClass() {
        VirtualResource d = cluster.driver();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> d.send(d.uuid(), "ok", 1, "socket", new Thread()));
        assertTrue(e.getMessage().contains("'socket'") && e.getMessage().contains("java.lang.Thread"), e.getMessage());
    }

    @Test
    void aVrThatThrowsIsReportedToItsParentWithTheRemoteTrace() {
        VirtualResource d = cluster.driver();
        VrId k = d.deploy(cluster.vms().get(0), Thrower.class);
        RemoteVrException e = assertThrows(RemoteVrException.class, () -> d.recv(T, "src", k));
        assertEquals("java.lang.IllegalStateException", e.remoteClassName());
        assertEquals("boom from the VR", e.remoteMessage());
        assertEquals(k, e.vr());
        assertTrue(java.util.Arrays.stream(e.getStackTrace()).anyMatch(f -> f.getMethodName().equals("explode")),
                "the remote stack trace is kept");
        // the engine keeps serving
        VrId echo = d.deploy(cluster.vms().get(0), Echo.class);
        d.send(echo, "ping", 1);
        assertEquals(1, d.recv(T, "src", echo).getInt("ping"));
        d.send(echo, "stop", true);
    }

    @Test
    void sendingToAnUnknownVrIsReported() {
        VirtualResource d = cluster.driver();
        VrId ghost = new VrId(java.util.UUID.randomUUID(), cluster.vms().get(0).address());
        d.send(ghost, "hello", 1);
        UndeliverableException e = assertThrows(UndeliverableException.class, () -> d.recv(T, "never", 1));
        assertTrue(e.getMessage().contains("no such VR"), e.getMessage());
        VrId localGhost = new VrId(java.util.UUID.randomUUID(), River.address());
        assertThrows(UndeliverableException.class, () -> d.send(localGhost, "x", 1));
    }
}
