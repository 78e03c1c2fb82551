package dev.river.core;

import dev.river.sfm.Attributes;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.*;

/** Selective receive semantics of one queue, without any network. */
class MessageQueueTest {
    private final ClassLoader loader = getClass().getClassLoader();
    private final VrId a = new VrId(UUID.randomUUID(), "h:1");
    private final VrId b = new VrId(UUID.randomUUID(), "h:2");
    private final VrId me = new VrId(UUID.randomUUID(), "h:3");

    private Envelope env(VrId src, Object... pairs) {
        Map<String, Object> m = Pairs.toMap(pairs, "test");
        Attributes.Encoded e = Attributes.encode(m, loader);
        return new Envelope(src, me, e.body(), e.blobs());
    }

    @Test
    void selectiveReceiveTakesFirstMatchAndLeavesOthersInOrder() throws Exception {
        MessageQueue q = new MessageQueue(loader);
        q.append(env(a, "tag", "x", "n", 1));
        q.append(env(a, "tag", "y", "n", 2));
        q.append(env(b, "tag", "x", "n", 3));
        q.append(env(a, "tag", "y", "n", 4));
        assertEquals(2, (int) q.take(Pattern.of("tag", "y"), 0).get("n"));
        assertEquals(3, (int) q.take(Pattern.of("src", b), 0).get("n"));
        assertEquals(1, (int) q.take(Pattern.ANYTHING, 0).get("n"));
        assertEquals(4, (int) q.take(Pattern.ANYTHING, 0).get("n"));
        assertNull(q.take(Pattern.ANYTHING, 0));
        assertEquals(0, q.size());
    }

    @Test
    void anyAndPredicatesAndNumericEquality() throws Exception {
        MessageQueue q = new MessageQueue(loader);
        q.append(env(a, "items", List.of(1)));
        q.append(env(a, "items", List.of(1, 2, 3)));
        q.append(env(a, "other", 5L, "flag", null));
        Predicate<List<?>> longList = x -> x.size() > 1;
        assertEquals(List.of(1, 2, 3), q.take(Pattern.of("items", longList), 0).get("items"));
        assertNull(q.take(Pattern.of("missing", Match.ANY), 0));
        assertNotNull(q.take(Pattern.of("flag", Match.ANY), 0), "ANY matches a present null");
        q.append(env(a, "n", 7L));
        assertNotNull(q.take(Pattern.of("n", 7), 0), "an int constant matches a long of equal value");
        Predicate<String> wrongType = s -> s.isEmpty();
        q.append(env(a, "items", List.of()));
        assertNull(q.take(Pattern.of("items", wrongType), 0), "a predicate for another type does not match");
    }

    @Test
    void waitingTakerWakesOnMatchingArrivalOnly() throws Exception {
        MessageQueue q = new MessageQueue(loader);
        CountDownLatch started = new CountDownLatch(1);
        List<Message> got = new ArrayList<>();
        Thread t = new Thread(() -> {
            started.countDown();
            try {
                got.add(q.take(Pattern.of("tag", "wanted"), TimeUnit.SECONDS.toNanos(20)));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        t.start();
        started.await();
        q.append(env(a, "tag", "noise"));
        q.append(env(a, "tag", "wanted", "v", 42));
        t.join(20_000);
        assertEquals(42, (int) got.get(0).get("v"));
        assertEquals(1, q.size(), "the unmatched message stays queued");
    }

    @Test
    void timeoutReturnsNullAndAlertsInterruptWaiters() throws Exception {
        MessageQueue q = new MessageQueue(loader);
        assertNull(q.take(Pattern.ANYTHING, TimeUnit.MILLISECONDS.toNanos(50)));
        q.alert(new RiverException("child failed"));
        RiverException e = assertThrows(RiverException.class, () -> q.take(Pattern.ANYTHING, -1));
        assertEquals("child failed", e.getMessage());
        assertNull(q.take(Pattern.ANYTHING, 0), "an alert is raised once");
    }

    @Test
    void manyTakenNodesAreSweptWithoutLosingMessages() throws Exception {
        MessageQueue q = new MessageQueue(loader);
        for (int i = 0; i < 1000; i++) q.append(env(i % 2 == 0 ? a : b, "i", i));
        for (int i = 1; i < 1000; i += 2) assertEquals(i, (int) q.take(Pattern.of("src", b), 0).get("i"));
        for (int i = 0; i < 1000; i += 2) assertEquals(i, (int) q.take(Pattern.ANYTHING, 0).get("i"));
        assertEquals(0, q.size());
    }

    @Test
    void malformedPairsAreRejectedClearly() {
        IllegalArgumentException odd = assertThrows(IllegalArgumentException.class, () -> Pattern.of("tag"));
        assertTrue(odd.getMessage().contains("name/value pairs"), odd.getMessage());
        IllegalArgumentException notName = assertThrows(IllegalArgumentException.class, () -> Pattern.of(1, 2));
        assertTrue(notName.getMessage().contains("attribute name"), notName.getMessage());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("x", new Object());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Attributes.encode(m, loader));
        assertTrue(bad.getMessage().contains("'x'") && bad.getMessage().contains("java.lang.Object"), bad.getMessage());
    }
}
