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
            // the echo proves the message left (an interrupted sender leaves the write to the network thread)
            assertEquals(Integer.valueOf(n), driver.recv(Duration.ofSeconds(10), "echo", n).get("echo"));
        }
        driver.send(echo, "stop", true);
    }

    /**
     * Threads interrupted at random moments while they send (as cancelled tasks are): an interrupt that
     * lands in the middle of waking the network thread closes its wake-up pipe; the transport replaces
     * it, and every message still arrives.
     */
    @Test
    void sendersInterruptedWhileSendingLeaveTheTransportWorking() throws Exception {
        VirtualResource driver = cluster.driver();
        VrId echo = driver.deploy(cluster.vms().get(0), Echo.class);
        int senders = 4, each = 1500;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int base = s * each;
            Thread t = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    try {
                        driver.send(echo, "n", base + i);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                        return;
                    }
                    if (i % 50 == 0) Thread.yield();      // let the network thread park, so sends ring
                }
            });
            threads.add(t);
            t.start();
        }
        Thread interrupter = new Thread(() -> {
            java.util.Random r = new java.util.Random(1);
            while (threads.stream().anyMatch(Thread::isAlive)) {
                threads.get(r.nextInt(senders)).interrupt();
                Thread.onSpinWait();
            }
        });
        interrupter.start();
        for (Thread t : threads) t.join();
        interrupter.join();
        assertNull(failure.get(), "a send failed: " + failure.get());
        java.util.Set<Integer> echoed = new java.util.HashSet<>();
        for (int i = 0; i < senders * each; i++) echoed.add(driver.recv(Duration.ofSeconds(30), "echo", Match.ANY).getInt("echo"));
        assertEquals(senders * each, echoed.size());
        driver.send(echo, "n", -1);
        assertEquals(-1, driver.recv(Duration.ofSeconds(10), "echo", -1).getInt("echo"));
        driver.send(echo, "stop", true);
    }
}
