package dev.river.mapreduce;

import dev.river.core.Message;
import dev.river.core.RecvTimeoutException;
import dev.river.core.RemoteVrException;
import dev.river.core.UndeliverableException;
import dev.river.core.VirtualResource;
import dev.river.core.VrId;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reducer of one partition: fetches its segment of every map output straight from the mappers
 * (a few fetches in flight, one chunk each), keeps them in a {@link ShuffleStore}, and once it has all
 * of them merges the sorted runs, calls the reduce function per key in key order and sends the
 * results to the driver or writes {@code part-NNNNN}. Runs on its main thread only.
 *
 * <p>The driver tells it where each map output is (AVAIL), and which outputs were lost with their
 * engine (LOST); a fetch from a lost mapper is dropped and resumes from the task's re-run.
 */
final class ReducerVr extends VirtualResource {
    private static final System.Logger LOG = System.getLogger(ReducerVr.class.getName());
    private static final int PARALLEL_FETCHES = 4;
    private static final long RESULT_BATCH_BYTES = 1 << 20;

    /** Where a task's output is, and how much of it this reducer has. */
    private static final class Segment {
        VrId mapper;              // null: not available now (not run yet, or lost)
        int attempt;
        long length;
        boolean done;
        long fetchId;             // the outstanding FETCH, or 0
        ShuffleStore.Incoming incoming;
    }

    private transient Spec spec;
    private transient int partition;
    private transient int attempt;
    private transient Segment[] segments;
    private transient ShuffleStore store;
    private transient final ArrayDeque<Integer> toFetch = new ArrayDeque<>();
    private transient final Map<Long, Integer> inFlight = new HashMap<>();   // fetch id -> task
    private transient long nextFetchId = 1;
    private transient int fetched;
    private transient Path dir;

    @Override
    protected void main() throws Exception {
        spec = arg(0);
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        Kryos kryos = new Kryos(loader);
        Message assign = recv(Wire.IDLE.multipliedBy(2), Wire.KIND, Wire.ASSIGN);
        partition = assign.getInt("part");
        attempt = assign.getInt("attempt");
        long buffer = spec.reduceBuffer() > 0 ? spec.reduceBuffer() : LocalFiles.autoBuffer(assign.getInt("share"), 256L << 20);
        dir = LocalFiles.create(spec, "reduce-" + partition + "-a" + attempt);
        Comparator<Object> order = KeyOrder.of(spec.keyOrder());
        store = new ShuffleStore(kryos, order, spec.combiner(), dir, buffer);
        segments = new Segment[spec.maps()];
        for (int i = 0; i < segments.length; i++) segments[i] = new Segment();
        try {
            long started = System.nanoTime();
            if (!shuffle()) return;
            long fetched = System.nanoTime();
            reduce(kryos, order, fetched);
            LOG.log(System.Logger.Level.DEBUG, () -> String.format(java.util.Locale.ROOT, "job %s partition %d (attempt %d): shuffle"
                    + " %.3f s, merge and reduce %.3f s", spec.shortId(), partition, attempt, (fetched - started) / 1e9, (System.nanoTime() - fetched) / 1e9));
        } finally {
            for (Segment s : segments) if (s.incoming != null) s.incoming.abandon();
            store.deleteFiles();
            LocalFiles.deleteTree(dir);
        }
    }

    // ---------------------------------------------------------------- shuffle

    /** Fetches every segment; false if the job ended first. */
    private boolean shuffle() {
        boolean idle = false;
        while (fetched < segments.length) {
            Message m;
            try {
                m = recv(Wire.IDLE);
                idle = false;
            } catch (RecvTimeoutException e) {
                if (idle) {
                    LOG.log(System.Logger.Level.WARNING, "MapReduce job " + spec.shortId() + ": the driver has not answered for "
                            + Wire.IDLE.multipliedBy(2).toSeconds() + " s; ending reducer " + partition);
                    return false;
                }
                idle = true;
                Sends.quiet(this, parent(), Wire.KIND, Wire.PING);
                continue;
            } catch (UndeliverableException e) {
                continue;                     // a FETCH to a mapper that is gone: the driver's LOST follows
            }
            switch (m.getInt(Wire.KIND)) {
                case Wire.AVAIL -> available(m);
                case Wire.LOST -> {
                    for (int t : (int[]) m.get("tasks")) lost(t);
                }
                case Wire.CHUNK -> chunk(m);
                case Wire.END -> {
                    ended();
                    return false;
                }
                default -> { }                // PONG
            }
            startFetches();
        }
        return true;
    }

    private void available(Message m) {
        int t = m.getInt("task");
        Segment s = segments[t];
        if (s.done) return;
        drop(t);
        s.mapper = m.get("mapper");
        s.attempt = m.getInt("attempt");
        s.length = m.getLong("len");
        if (s.length == 0) {
            complete(t, s);
        } else {
            toFetch.add(t);
        }
    }

    private void lost(int t) {
        Segment s = segments[t];
        if (s.done) return;
        drop(t);
        s.mapper = null;
    }

    /** Forgets a partial fetch of task {@code t}. */
    private void drop(int t) {
        Segment s = segments[t];
        if (s.fetchId != 0) inFlight.remove(s.fetchId);
        s.fetchId = 0;
        if (s.incoming != null) s.incoming.abandon();
        s.incoming = null;
        toFetch.remove(t);
    }

    private void startFetches() {
        while (inFlight.size() < PARALLEL_FETCHES && !toFetch.isEmpty()) {
            int t = toFetch.poll();
            Segment s = segments[t];
            if (s.done || s.mapper == null) continue;
            s.incoming = store.receive(s.length);
            requestNext(t, s);
        }
    }

    private void requestNext(int t, Segment s) {
        s.fetchId = nextFetchId++;
        inFlight.put(s.fetchId, t);
        if (!Sends.quiet(this, s.mapper, Wire.KIND, Wire.FETCH, "id", s.fetchId, "task", t, "attempt", s.attempt,
                "part", partition, "offset", s.incoming.received())) {
            lost(t);                          // its engine is gone: wait for the re-run's AVAIL
        }
    }

    private void chunk(Message m) {
        Integer t = inFlight.remove(m.getLong("id"));
        if (t == null) return;                // a superseded fetch
        Segment s = segments[t];
        s.fetchId = 0;
        if (m.has("missing")) {               // that mapper no longer has it: wait for the driver
            drop(t);
            s.mapper = null;
            return;
        }
        s.incoming.append(m.get("data"));
        if (s.incoming.complete()) {
            store.add(s.incoming);
            s.incoming = null;
            complete(t, s);
        } else {
            requestNext(t, s);
        }
    }

    private void complete(int t, Segment s) {
        s.done = true;
        fetched++;
        if (s.length > 0) Sends.quiet(this, parent(), Wire.KIND, Wire.FETCHED, "part", partition, "attempt", attempt, "bytes", s.length, "mapper", s.mapper);
    }

    private void ended() {
        Sends.quiet(this, parent(), Wire.KIND, Wire.ENDED);
    }

    // ---------------------------------------------------------------- reduce

    @SuppressWarnings("unchecked")
    private void reduce(Kryos kryos, Comparator<Object> order, long fetched) throws IOException {
        Reducer<Object, Object, Object> reducer = spec.reducer();
        Output out = spec.outputDir() != null ? new FileOutput(Path.of(spec.outputDir()), partition, attempt) : new DriverOutput();
        long keys = 0;
        try (Cursor c = Merger.merge(store.runs(), kryos, order)) {
            boolean more = c.next();
            while (more) {
                if ((keys & 255) == 0 && endRequested()) {
                    out.abandon();
                    return;
                }
                Group g = new Group(c, order);
                Object result;
                try {
                    result = reducer.reduce(g.key(), g);
                } catch (Exception | Error e) {
                    failed(out, e, "key " + RecordWriter.describe(g.key()) + " (partition " + partition + ")");
                    return;
                }
                keys++;
                if (result != null) out.add(g.key(), result);
                try {
                    more = g.skipRest();
                } catch (UserCodeException e) {
                    failed(out, e, "merging the values of key " + RecordWriter.describe(g.key()) + " (partition " + partition + ")");
                    return;
                }
            }
        } catch (UserCodeException e) {
            failed(out, e, "merging the sorted runs of partition " + partition);
            return;
        }
        out.finish();
        Sends.quiet(this, parent(), Wire.KIND, Wire.REDUCED, "part", partition, "attempt", attempt, "keys", keys,
                "reduceNanos", System.nanoTime() - fetched);
    }

    /** Reports a failure of user code (reduce, combine, key order) to the driver. */
    private void failed(Output out, Throwable e, String where) {
        out.abandon();
        Throwable cause = e instanceof UserCodeException u ? u.getCause() : e;
        String function = e instanceof UserCodeException u ? u.function : "reduce";
        Sends.quiet(this, parent(), Wire.KIND, Wire.REDFAIL, "part", partition, "attempt", attempt, "function", function,
                "where", where, "error", RemoteVrException.of(cause, uuid(), function + " failed on engine " + vm().name()));
    }

    private boolean endRequested() {
        try {
            if (poll(Wire.KIND, Wire.END) != null) {
                ended();
                return true;
            }
        } catch (UndeliverableException e) {
            // a notice about an old FETCH: irrelevant now
        }
        return Thread.currentThread().isInterrupted();
    }

    /** Where results go. */
    private interface Output {
        void add(Object key, Object result) throws IOException;

        void finish() throws IOException;

        void abandon();
    }

    /** Results to the driver, in batches of about {@link #RESULT_BATCH_BYTES}. */
    private final class DriverOutput implements Output {
        private List<Object> keys = new ArrayList<>();
        private List<Object> vals = new ArrayList<>();
        private long size;

        @Override public void add(Object key, Object result) {
            keys.add(key);
            vals.add(result);
            size += Sizes.of(key) + Sizes.of(result);
            if (size >= RESULT_BATCH_BYTES) flush();
        }

        private void flush() {
            if (keys.isEmpty()) return;
            Sends.quiet(ReducerVr.this, parent(), Wire.KIND, Wire.RESULT, "part", partition, "attempt", attempt, "keys", keys, "vals", vals);
            keys = new ArrayList<>();
            vals = new ArrayList<>();
            size = 0;
        }

        @Override public void finish() {
            flush();
        }

        @Override public void abandon() {
        }
    }

    /** Results as text lines {@code key<TAB>result} in {@code part-NNNNN}, renamed into place when complete. */
    private static final class FileOutput implements Output {
        private final Path tmp;
        private final Path target;
        private final BufferedWriter w;

        FileOutput(Path dir, int partition, int attempt) throws IOException {
            this.target = dir.resolve(partFile(partition));
            this.tmp = dir.resolve("." + partFile(partition) + ".attempt" + attempt + "." + ProcessHandle.current().pid() + ".tmp");
            try {
                this.w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IOException("cannot write " + tmp + ": " + e.getMessage() + " (the output directory must be"
                        + " writable at the same path on every engine)", e);
            }
        }

        @Override public void add(Object key, Object result) throws IOException {
            w.write(String.valueOf(key));
            w.write('\t');
            w.write(String.valueOf(result));
            w.write('\n');
        }

        @Override public void finish() throws IOException {
            w.close();
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }

        @Override public void abandon() {
            try {
                w.close();
            } catch (IOException e) {
                // deleting it anyway
            }
            MapOutputBuffer.delete(tmp);
        }
    }

    static String partFile(int partition) {
        return String.format("part-%05d", partition);
    }
}
