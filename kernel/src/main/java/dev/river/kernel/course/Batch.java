package dev.river.kernel.course;

import dev.river.core.River;
import dev.river.core.VirtualResource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Grades a batch on {@code jobs} slots at once. A slot is a grading thread with warm engines of its own
 * ({@link EngineSlot}); it takes the next submission from the queue, runs it on a kernel started ahead of
 * need ({@link KernelWorker}: a fresh kernel JVM per submission, started while the previous submission
 * of the slot runs), then resets its engines for the next one.
 */
final class Batch {
    private static final System.Logger LOG = System.getLogger(Batch.class.getName());

    private final Grader grader;
    private final Path work;
    private final Map<String, String> kernelEnv;
    private final int jobs;
    private final int engines;
    private final List<String> engineOptions;
    private final AtomicInteger workers = new AtomicInteger();
    /** Java 17/18: the kernelspec whose JVM writes the kernels' class-data archive at exit, taken by the first worker only. */
    private final java.util.concurrent.atomic.AtomicReference<ClassDataSharing.Launch> archiver = new java.util.concurrent.atomic.AtomicReference<>();
    /** Engine replacements and reuses over the batch (for the summary and tests). */
    final AtomicInteger restarts = new AtomicInteger();
    final AtomicInteger reuses = new AtomicInteger();

    Batch(Grader grader, Path work, Map<String, String> kernelEnv, int jobs, int engines, List<String> engineOptions) {
        this.grader = grader;
        this.work = work;
        this.kernelEnv = Map.copyOf(kernelEnv);
        this.jobs = jobs;
        this.engines = engines;
        this.engineOptions = List.copyOf(engineOptions);
    }

    /** The first kernel of the batch runs on kernelspec {@link #ARCHIVER}, writing the class-data archive {@code l} at exit. */
    Batch archiveKernelClasses(ClassDataSharing.Launch l) {
        archiver.set(l);
        return this;
    }

    static final String ARCHIVER = "river-cds";

    /** Grades every submission; the grades come back in the order given. */
    List<Grade> run(List<Path> submissions, BatchProgress progress) throws IOException, InterruptedException {
        Grade[] grades = new Grade[submissions.size()];
        ConcurrentLinkedQueue<Integer> queue = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < submissions.size(); i++) queue.add(i);
        int slots = Math.max(1, Math.min(jobs, submissions.size()));
        VirtualResource driver = River.attach("river-grade");
        ExecutorService pool = Executors.newFixedThreadPool(slots, r -> {
            Thread t = new Thread(r, "river-grade-slot");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Void>> running = new ArrayList<>();
            for (int s = 0; s < slots; s++) {
                int slot = s;
                running.add(pool.submit(() -> {
                    slot(slot, driver, submissions, queue, grades, progress);
                    return null;
                }));
            }
            for (Future<Void> f : running) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof IOException io) throw io;
                    throw new IOException("a grading slot failed: " + c, c);
                }
            }
        } finally {
            pool.shutdownNow();
            River.detach(driver);
        }
        return Arrays.asList(grades);
    }

    private void slot(int index, VirtualResource driver, List<Path> submissions, ConcurrentLinkedQueue<Integer> queue,
                      Grade[] grades, BatchProgress progress) throws IOException, InterruptedException {
        if (queue.isEmpty()) return;
        try (EngineSlot slot = new EngineSlot(engines, work.resolve("slot-" + index), driver, engineOptions)) {
            KernelWorker next = startWorker(slot);
            try {
                Integer i;
                while ((i = queue.poll()) != null) {
                    KernelWorker w = next;
                    next = null;
                    Grader.Outcome o = grader.gradeOne(submissions.get(i), w, () -> queue.isEmpty() ? null : startWorker(slot));
                    grades[i] = o.grade();
                    if (w.archive() != null) ClassDataSharing.finish(w.archive());
                    progress.finished(grader.line(o.grade()), o.grade().problem() != null);
                    if (!o.usedWorker()) {
                        next = w;
                        continue;
                    }
                    next = o.prestarted();
                    String left = slot.reset(o.clean());
                    if (left.isEmpty()) {
                        reuses.incrementAndGet();
                    } else {
                        restarts.incrementAndGet();
                        LOG.log(System.Logger.Level.DEBUG, "fresh engines after " + o.grade().submission() + ": " + left);
                        if (next != null) {          // it may have heard the old engines: start it again
                            discard(next);
                            next = null;
                        }
                    }
                    if (next == null && !queue.isEmpty()) next = startWorker(slot);
                }
            } finally {
                if (next != null) discard(next);
            }
        }
    }

    /** Stops a worker that will not be used (giving up its class-data archive claim, if it had one). */
    private static void discard(KernelWorker w) throws InterruptedException {
        w.kill();
        if (w.archive() != null) ClassDataSharing.finish(w.archive());
    }

    private KernelWorker startWorker(EngineSlot slot) throws IOException {
        Map<String, String> env = new HashMap<>(kernelEnv);
        env.put("RIVER_DISCOVERY_PORT", Integer.toString(slot.discoveryPort()));
        env.put("RIVER_BEACON_MS", "200");
        Path dir = work.resolve("k-" + workers.incrementAndGet());
        ClassDataSharing.Launch l = archiver.getAndSet(null);
        if (l == null) return KernelWorker.start(grader.python(), grader.script(), dir, env);
        return KernelWorker.start(grader.python(), grader.script(), dir, env, ARCHIVER, true).archive(l);
    }
}
