package dev.river.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transport's batching of small messages (Link, Flusher): a burst leaves in fewer writes than it
 * has messages, in order, and its tail arrives even though the sending thread never waits for a
 * message itself (the Flusher writes it).
 */
class TransportBatchingTest {
    private static final byte[] KEY = "a test cluster key of 32 bytes!!".getBytes();

    private final List<Long> got = Collections.synchronizedList(new ArrayList<>());
    private final List<String> refused = Collections.synchronizedList(new ArrayList<>());
    private volatile CountDownLatch arrived;
    private Transport rx, tx;

    @BeforeEach
    void up() {
        rx = new Transport("127.0.0.1", 0, "rx", KEY, in -> {
            got.add(ByteBuffer.wrap(in.rest().get(0)).getLong());
            arrived.countDown();
        }, () -> { }, refused::add);
        tx = new Transport("127.0.0.1", 0, "tx", KEY, in -> { }, () -> { }, refused::add);
    }

    @AfterEach
    void down() {
        tx.close();
        rx.close();
    }

    private void send(Object channel, long n) {
        tx.send(rx.address(), channel, new byte[]{1, 2, 3}, ByteBuffer.allocate(8).putLong(n).array());
    }

    @Test
    void aBurstLeavesInBatchesInOrderAndItsTailArrivesWithoutTheSenderWaiting() throws Exception {
        Object channel = new Object();   // a VR's channel: only VRs' messages are batched
        arrived = new CountDownLatch(1);
        send(channel, -1);   // connects; then the burst finds the connection up
        assertTrue(arrived.await(30, TimeUnit.SECONDS), "the first message did not arrive");
        long writesBefore = tx.writes(rx.address());

        int n = 5_000;
        arrived = new CountDownLatch(n);
        for (long i = 0; i < n; i++) send(channel, i);
        // This thread now waits on a latch, not in a receive, so nothing it owes is written by it:
        // the batch limit writes full batches and the Flusher the last one.
        assertTrue(arrived.await(30, TimeUnit.SECONDS), "only " + (got.size() - 1) + " of " + n + " messages arrived: "
                + tx.describe(rx.address()));

        List<Long> expected = new ArrayList<>();
        expected.add(-1L);
        for (long i = 0; i < n; i++) expected.add(i);
        assertEquals(expected, got, "messages of one channel arrive in order, each once");
        long writes = tx.writes(rx.address()) - writesBefore;
        assertTrue(writes < n, n + " messages took " + writes + " writes: a burst should be batched");
        assertEquals(List.of(), refused);
    }

    @Test
    void messagesWithoutAChannelAreWrittenAtOnce() throws Exception {
        arrived = new CountDownLatch(1);
        send(null, -1);
        assertTrue(arrived.await(30, TimeUnit.SECONDS));
        arrived = new CountDownLatch(200);
        for (long i = 0; i < 200; i++) send(null, i);   // runtime messages (requests, replies, events): never deferred
        assertTrue(arrived.await(30, TimeUnit.SECONDS), tx.describe(rx.address()));
        assertEquals(201, got.size());
    }
}
