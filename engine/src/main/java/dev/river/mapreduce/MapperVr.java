package dev.river.mapreduce;

import dev.river.core.Message;
import dev.river.core.RecvTimeoutException;
import dev.river.core.RemoteVrException;
import dev.river.core.RiverException;
import dev.river.core.UndeliverableException;
import dev.river.core.VirtualResource;
import dev.river.core.VrId;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A job's mapper on one engine: runs map tasks (as many at once as the engine has cores), keeps their
 * outputs on local disk until the job ends, and serves them to reducers in chunks.
 *
 * <p>Threads: the VR's main thread receives every message and serves FETCHes; task threads (a fixed
 * pool) run map tasks and send MAPPED or MAPFAIL themselves. {@link #outputs} is shared between them.
 */
final class MapperVr extends VirtualResource {
    private static final System.Logger LOG = System.getLogger(MapperVr.class.getName());

    /** Finished tasks' outputs: task -> (attempt, output). Task threads put, the main thread reads. */
    private final transient Map<Integer, Done> outputs = new ConcurrentHashMap<>();

    private record Done(int attempt, MapOutput output) {}

    @Override
    protected void main() throws Exception {
        Spec spec = arg(0);
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        Kryos kryos = new Kryos(loader);
        int threads = Math.max(1, vm().cores());
        long buffer = spec.mapBuffer() > 0 ? spec.mapBuffer() : LocalFiles.autoBuffer(threads, 128L << 20);
        Path dir = LocalFiles.create(spec, "map-" + uuid().uuid().toString().substring(0, 8));
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "mapreduce-" + spec.shortId() + "-map-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(loader);
            return t;
        });
        boolean idle = false;
        try {
            while (true) {
                Message m;
                try {
                    m = recv(Wire.IDLE);
                    idle = false;
                } catch (RecvTimeoutException e) {
                    if (idle) {
                        LOG.log(System.Logger.Level.WARNING, "MapReduce job " + spec.shortId() + ": the driver has not answered for "
                                + Wire.IDLE.multipliedBy(2).toSeconds() + " s; ending the mapper and deleting its outputs");
                        return;
                    }
                    idle = true;
                    quietSend(parent(), Wire.KIND, Wire.PING);
                    continue;
                } catch (UndeliverableException e) {
                    continue;                 // a CHUNK for a reducer that has ended: nothing to do
                }
                switch (m.getInt(Wire.KIND)) {
                    case Wire.TASK -> {
                        int task = m.getInt("task");
                        int attempt = m.getInt("attempt");
                        Split split = m.get("split");
                        pool.execute(() -> runTask(spec, kryos, dir, buffer, task, attempt, split));
                    }
                    case Wire.FETCH -> serve(m);
                    case Wire.END -> {
                        stopTasks(pool);
                        LocalFiles.deleteTree(dir);
                        quietSend(parent(), Wire.KIND, Wire.ENDED);
                        return;
                    }
                    default -> { }            // PONG
                }
            }
        } finally {
            stopTasks(pool);
            LocalFiles.deleteTree(dir);
        }
    }

    private static void stopTasks(ExecutorService pool) {
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "a map task did not stop within 10 s of being interrupted (user code ignoring interrupts?)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- map tasks (task threads)

    private void runTask(Spec spec, Kryos kryos, Path dir, long buffer, int task, int attempt, Split split) {
        MapOutputBuffer out = new MapOutputBuffer(spec, kryos, dir, "t" + task + "-a" + attempt, buffer);
        Reading at = new Reading();
        long started = System.nanoTime();
        try {
            read(spec, split, out, at);
            long mapped = System.nanoTime();
            at.function = "sorting and spilling the map output";
            MapOutput output = out.finish();
            if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
                long bytes = 0;
                for (long l : output.lengths()) bytes += l;
                LOG.log(System.Logger.Level.DEBUG, String.format(java.util.Locale.ROOT, "job %s task %d (attempt %d): map %.3f s, sort and"
                        + " write %.3f s, %d pairs emitted, output %d bytes", spec.shortId(), task, attempt, (mapped - started) / 1e9,
                        (System.nanoTime() - mapped) / 1e9, out.emitted(), bytes));
            }
            Done previous = outputs.put(task, new Done(attempt, output));
            if (previous != null && !previous.output.file().equals(output.file())) MapOutputBuffer.delete(previous.output.file());
            quietSend(parent(), Wire.KIND, Wire.MAPPED, "task", task, "attempt", attempt, "lengths", output.lengths(),
                    "records", output.records(), "read", split.size(), "emitted", out.emitted());
        } catch (CancellationException e) {
            out.discard();
        } catch (Throwable t) {
            out.discard();
            if (Thread.currentThread().isInterrupted() && t instanceof RiverException) return;   // cancelled mid-send
            Throwable cause = t instanceof UserCodeException u ? u.getCause() : t;
            String function = t instanceof UserCodeException u ? u.function : at.function;
            String where = "split " + (split.index() + 1) + " of " + spec.maps() + " (" + split.describe() + ")"
                    + (at.where != null ? ", " + at.where : "");
            quietSend(parent(), Wire.KIND, Wire.MAPFAIL, "task", task, "attempt", attempt, "function", function, "where", where,
                    "error", RemoteVrException.of(cause, uuid(), function + " failed on engine " + vm().name()));
        }
    }

    /** Where a map task is in its split, for error messages. */
    private static final class Reading {
        String function = "reading the input";
        String where;
    }

    @SuppressWarnings("unchecked")
    private static void read(Spec spec, Split split, MapOutputBuffer out, Reading at) throws Exception {
        Mapper<Object, Object, Object> mapper = spec.mapper();
        if (split instanceof Split.Items items) {
            List<?> list = items.items();
            for (int i = 0; i < list.size(); i++) {
                checkInterrupt();
                Object item = list.get(i);
                try {
                    mapper.map(item, out);
                } catch (Exception | Error e) {
                    at.function = "map";
                    at.where = "item " + (items.first() + i) + " (" + RecordWriter.describe(item) + ")";
                    throw e;
                }
            }
            return;
        }
        Split.FileRange range = (Split.FileRange) split;
        boolean withPositions = spec.input() == Spec.Input.FILE_LINES;
        try (LineReader r = open(range)) {
            while (r.next()) {
                checkInterrupt();
                Object record = withPositions ? new Line(range.file(), r.offset(), r.text()) : r.text();
                try {
                    mapper.map(record, out);
                } catch (Exception | Error e) {
                    at.function = "map";
                    at.where = "the line at byte " + r.offset() + " (\"" + RecordWriter.describe(r.text()) + "\")";
                    throw e;
                }
            }
        }
    }

    private static LineReader open(Split.FileRange range) throws IOException {
        try {
            return new LineReader(Path.of(range.file()), range.start(), range.length());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new java.io.FileNotFoundException(range.file() + " does not exist on this engine: input files must be visible"
                    + " at the same path on every engine (local engines, or a shared file system)");
        }
    }

    private static void checkInterrupt() {
        if (Thread.currentThread().isInterrupted()) throw new CancellationException("map task cancelled");
    }

    // ---------------------------------------------------------------- serving outputs (main thread)

    private void serve(Message m) {
        long id = m.getLong("id");
        int task = m.getInt("task");
        int part = m.getInt("part");
        long offset = m.getLong("offset");
        Done done = outputs.get(task);
        if (done == null || done.attempt != m.getInt("attempt")) {
            quietSend(m.src(), Wire.KIND, Wire.CHUNK, "id", id, "missing", Boolean.TRUE);
            return;
        }
        MapOutput out = done.output;
        long length = out.lengths()[part];
        int n = (int) Math.min(Wire.CHUNK_BYTES, length - offset);
        byte[] data = new byte[Math.max(0, n)];
        try (FileChannel ch = FileChannel.open(out.file(), StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            long pos = out.offsets()[part] + offset;
            while (b.hasRemaining()) {
                if (ch.read(b, pos + b.position()) < 0) throw new IOException("unexpected end of file");
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read map output " + out.file() + ": " + e.getMessage());
            quietSend(m.src(), Wire.KIND, Wire.CHUNK, "id", id, "missing", Boolean.TRUE);
            return;
        }
        quietSend(m.src(), Wire.KIND, Wire.CHUNK, "id", id, "data", data, "last", offset + n >= length);
    }

    private void quietSend(VrId dest, Object... attrs) {
        Sends.quiet(this, dest, attrs);
    }
}
