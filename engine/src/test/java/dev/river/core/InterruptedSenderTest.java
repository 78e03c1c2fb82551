package dev.river.core;

import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A thread whose interrupt flag is set (a stopped VR, an interrupted notebook cell) may send without breaking the VM's transport. */
class InterruptedSenderTest {
    static Cluster cluster;

    @BeforeAll
    static void up() {
        cluster = Cluster.start(1);
    }

    @AfterAll
    static void down() {
        cluster.close();
    }

    /** Answers every message with its "n" attribute, until told to stop. */
    public static class Echo extends VirtualResource {
        @Override protected void main() {
            while (true) {
                Message m = recv();
                if (m.get("stop") != null) return;
                send(m.src(), "echo", m.get("n"));
            }
        }
    }

    @Test
    void interruptedSendersLeaveTheTransportWorking() throws Exception {
        VirtualResource driver = cluster.driver();
        VrId echo = driver.deploy(cluster.vms().get(0), Echo.class);
        for (int i = 0; i < 30; i++) {
            int n = i;
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread sender = new Thread(() -> {
                Thread.currentThread().interrupt();
                try {
                    driver.send(echo, "n", n);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            sender.start();
            sender.join();
            assertNull(failure.get(), "send from an interrupted thread failed");
            // the echo proves the message left; waiting for it lets the network thread park, so each send rings
            assertEquals(Integer.valueOf(n), driver.recv(Duration.ofSeconds(10), "echo", n).get("echo"));
        }
        driver.send(echo, "stop", true);
    }
}
