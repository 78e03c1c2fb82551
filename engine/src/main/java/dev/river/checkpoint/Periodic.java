package dev.river.checkpoint;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checkpoints taken at a fixed rate by {@link Checkpoints#every}, on a thread of their own, until
 * closed. A checkpoint that fails is counted and logged; the next one is tried on schedule. Once the
 * application has no VR left, it stops by itself.
 *
 * <pre>{@code
 * try (Periodic p = Checkpoints.of(driver).retain(2).every(Duration.ofSeconds(10))) {
 *     Message done = driver.recv("result", Match.ANY);
 *     System.out.println(p.taken() + " checkpoints, last " + p.last().orElse(null));
 * }
 * }</pre>
 */
public final class Periodic implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Periodic.class.getName());

    private final Checkpoints checkpoints;
    private final ScheduledExecutorService timer;
    private final AtomicInteger taken = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private volatile Checkpoint last;
    private volatile RuntimeException lastError;

    Periodic(Checkpoints checkpoints, Duration interval) {
        if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("interval must be positive, got " + interval);
        this.checkpoints = checkpoints;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "river-checkpoint-" + checkpoints.app().toString().substring(0, 8));
            t.setDaemon(true);
            return t;
        });
        long ms = interval.toMillis();
        timer.scheduleAtFixedRate(this::tick, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            last = checkpoints.save();
            synchronized (this) {
                taken.incrementAndGet();
                notifyAll();
            }
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            lastError = e;
            if (e instanceof Coordinator.NothingToSave) {
                LOG.log(System.Logger.Level.INFO, "application " + checkpoints.app() + " has ended; periodic checkpoints stop");
                timer.shutdown();
                synchronized (this) {
                    notifyAll();
                }
            } else {
                LOG.log(System.Logger.Level.WARNING, "periodic checkpoint failed: " + e.getMessage());
            }
        }
    }

    /** Checkpoints taken so far. */
    public int taken() {
        return taken.get();
    }

    /**
     * Waits until this schedule has taken {@code n} checkpoints; false if {@code timeout} passed first
     * (or the schedule stopped).
     */
    public synchronized boolean awaitTaken(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (taken.get() < n && !timer.isShutdown()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return taken.get() >= n;
    }

    /** Checkpoints that failed so far. */
    public int failed() {
        return failed.get();
    }

    /** The newest checkpoint this schedule took. */
    public Optional<Checkpoint> last() {
        return Optional.ofNullable(last);
    }

    /** Why the newest failure failed. */
    public Optional<RuntimeException> lastError() {
        return Optional.ofNullable(lastError);
    }

    /** Stops the schedule, waiting for a checkpoint under way to finish. */
    @Override
    public void close() {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(5, TimeUnit.MINUTES)) timer.shutdownNow();
        } catch (InterruptedException e) {
            timer.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
