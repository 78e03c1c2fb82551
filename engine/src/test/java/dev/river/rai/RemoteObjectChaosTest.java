package dev.river.rai;

import dev.river.core.LocalEngines;
import dev.river.core.NodeConfig;
import dev.river.core.RiverException;
import dev.river.core.VmInfo;
import dev.river.testing.Chaos;
import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * kill -9 of a random engine at a random moment of an RAI session with one remote accumulator per
 * engine and a stream of calls to each: on the survivors every call ran exactly once and in order
 * (each answer is the running sum so far, and the final total is the sum of all arguments); on the
 * victim the calls answered before the kill are right and every later one fails naming the lost
 * object. Never a hang.
 */
class RemoteObjectChaosTest {
    static final int CALLS = 400;
    static Chaos chaos;

    @BeforeAll
    static void up() {
        Cluster.configureThisJvm();
        chaos = Chaos.fromSystemProperties("rai");
    }

    @AfterAll
    static void down() {
        System.out.println("chaos rai: " + (chaos == null ? 0 : chaos.kills()) + " engines killed");
    }

    /** Adds what it is given; answers the running sum. */
    public static class Accumulator {
        private long total;

        public long add(long x) throws InterruptedException {
            if (x % 50 == 0) Thread.sleep(2);   // some calls take a while, so kills land between and during them
            total += x;
            return total;
        }

        public long total() {
            return total;
        }
    }

    @Test
    void callsRunExactlyOnceOrFailNamingTheLostObject() throws Exception {
        int rounds = Chaos.rounds(4);
        for (int round = 0; round < rounds; round++) {
            try (LocalEngines engines = LocalEngines.start(3, NodeConfig.client())) {
                List<VmInfo> vms = engines.awaitDiscovered(LocalEngines.DISCOVERY_TIMEOUT);
                List<RemoteObject> objects = new ArrayList<>();
                for (VmInfo vm : vms) objects.add(RemoteObject.create(vm, Accumulator.class));
                int victim = chaos.nextInt(vms.size());
                int strikeAt = 1 + chaos.nextInt(CALLS);   // before call 1 ... before call CALLS
                String what = "round " + round + ": kill " + vms.get(victim).name() + " after " + strikeAt + " calls (seed " + chaos.seed() + ")";

                List<List<CompletableFuture<Long>>> answers = new ArrayList<>();
                for (int o = 0; o < objects.size(); o++) answers.add(new ArrayList<>());
                for (int i = 1; i <= CALLS; i++) {
                    if (i == strikeAt) assertTrue(chaos.kill(vms.get(victim).name()), what);
                    for (int o = 0; o < objects.size(); o++) answers.get(o).add(objects.get(o).callAsync("add", (long) i));
                }
                for (int o = 0; o < objects.size(); o++) {
                    long sum = 0;
                    boolean lost = false;
                    for (int i = 1; i <= CALLS; i++) {
                        CompletableFuture<Long> f = answers.get(o).get(i - 1);
                        try {
                            long got = f.get(120, TimeUnit.SECONDS);
                            assertFalse(lost, what + ": object " + o + " answered call " + i + " after an earlier call was lost");
                            sum += i;
                            assertEquals(sum, got, what + ": object " + o + ", call " + i + " ran once, in order");
                        } catch (ExecutionException e) {
                            assertEquals(victim, o, what + ": only the victim's object loses calls: " + e.getCause());
                            RiverException re = assertInstanceOf(RiverException.class, e.getCause(), what);
                            assertTrue(re.getMessage().contains("the object is gone") || re.getMessage().contains("gone"), what + ": " + re.getMessage());
                            lost = true;
                        }
                    }
                    if (o != victim) {
                        assertEquals((long) CALLS * (CALLS + 1) / 2, (long) objects.get(o).call("total"), what + ": survivor " + o);
                    } else {
                        assertTrue(lost, what + ": the victim's object lost its calls after the kill");
                        RiverException later = assertThrows(RiverException.class, () -> objects.get(victim).call("total"));
                        assertTrue(later.getMessage().contains("gone"), what + ": " + later.getMessage());
                    }
                }
            }
        }
        assertEquals(rounds, chaos.kills());
    }
}
