package dev.river.rai;

import dev.river.core.RiverException;
import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A remote object whose engine is killed: pending and later calls fail clearly instead of hanging. */
class RemoteObjectFailoverTest {
    static Cluster cluster;

    @BeforeAll
    static void up() {
        cluster = Cluster.start(1);
    }

    @AfterAll
    static void down() {
        cluster.close();
    }

    public static class Sleeper {
        public String nap(long ms) throws InterruptedException {
            Thread.sleep(ms);
            return "rested";
        }
    }

    @Test
    void callsFailWhenTheEngineDies() {
        RemoteObject r = RemoteObject.create(cluster.vms().get(0), Sleeper.class);
        CompletableFuture<String> pending = r.callAsync("nap", 60_000L);
        cluster.engines().kill(0);
        ExecutionException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> assertThrows(ExecutionException.class, pending::get));
        RiverException cause = assertInstanceOf(RiverException.class, e.getCause());
        assertTrue(cause.getMessage().contains("was lost; the object is gone"), cause.getMessage());
        RiverException later = assertThrows(RiverException.class, () -> r.call("nap", 1L));
        assertTrue(later.getMessage().contains("gone"), later.getMessage());
    }
}
