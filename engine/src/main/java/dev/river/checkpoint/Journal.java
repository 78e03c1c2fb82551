package dev.river.checkpoint;

import dev.river.sfm.Codec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * A job's progress journal: the tasks it has finished and their results, kept durably by the driver,
 * so that a job restarted after a crash (of the driver, or of every engine) skips what is done.
 * Trickle's {@code forkwork} uses one when given one; any job runner can: record each task as it
 * finishes, and on a restart ask which tasks are done.
 *
 * <pre>{@code
 * try (Journal journal = Journal.open("wordcount-2024")) {   // ~/.river/journals/wordcount-2024.journal
 *     journal.bind("splits=" + splits.size() + " input=" + inputChecksum);  // refuses a journal of another job
 *     for (int i = 0; i < splits.size(); i++) {
 *         String id = "map/" + i;
 *         Counts c = journal.isDone(id) ? journal.result(id) : countWords(splits.get(i));
 *         if (!journal.isDone(id)) journal.record(id, c);
 *     }
 * }
 * }</pre>
 *
 * <p>File: {@code RVJ1}, then records {@code length:i32 crc32c:i32 payload}, each payload a Kryo-encoded
 * (task id, result). A record is appended with one write, so a crash leaves at most a torn last record,
 * which the next open drops (that task runs again). Records reach the operating system at once (a
 * crash of the driver's process loses nothing) and the disk at least every {@link #SYNC_MILLIS} ms or
 * on {@link #sync()} and {@link #close()} (a power cut may lose the last moments' records: they run again).
 *
 * <p>Thread-safe. Results decode in the class loader given to {@link #open(Path, ClassLoader)} (the
 * caller's context class loader by default), like messages.
 */
public final class Journal implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Journal.class.getName());
    private static final byte[] MAGIC = "RVJ1".getBytes(StandardCharsets.US_ASCII);
    private static final String BINDING = "\u0000job";
    static final long SYNC_MILLIS = 200;

    private final Path file;
    private final ClassLoader loader;
    private final FileChannel channel;
    private final Map<String, byte[]> results = new LinkedHashMap<>();   // task id -> encoded result; guarded by this
    private String binding;                                              // guarded by this
    private long lastSync = System.nanoTime();                           // guarded by this
    private boolean closed;                                              // guarded by this

    private Journal(Path file, ClassLoader loader) throws IOException {
        this.file = file;
        this.loader = loader;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            replay();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Opens (or creates) the journal {@code name} under {@code ~/.river/journals/} ({@code $RIVER_JOURNAL_DIR}). */
    public static Journal open(String name) {
        if (name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new IllegalArgumentException("journal name '" + name + "' must be a plain file name");
        }
        String dir = System.getenv("RIVER_JOURNAL_DIR");
        if (dir == null) dir = System.getProperty("river.journal.dir");
        Path root = dir != null && !dir.isBlank() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".river", "journals");
        return open(root.resolve(name + ".journal"));
    }

    /** Opens (or creates) the journal in {@code file}, decoding results in the caller's context class loader. */
    public static Journal open(Path file) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return open(file, cl != null ? cl : Journal.class.getClassLoader());
    }

    /** Opens (or creates) the journal in {@code file}, decoding results in {@code loader}. */
    public static Journal open(Path file, ClassLoader loader) {
        try {
            return new Journal(file, loader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads every whole record; drops a torn or corrupt tail (those tasks run again). */
    private void replay() throws IOException {
        long size = channel.size();
        if (size == 0) {
            channel.write(ByteBuffer.wrap(MAGIC), 0);
            channel.force(true);
            return;
        }
        ByteBuffer all = ByteBuffer.allocate((int) Math.min(size, Integer.MAX_VALUE - 8));
        while (all.hasRemaining() && channel.read(all, all.position()) > 0) { /* read fully */ }
        all.flip();
        byte[] magic = new byte[Math.min(MAGIC.length, all.remaining())];
        all.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IOException(file + " is not a River journal (it does not start with RVJ1)");
        }
        long good = all.position();
        int count = 0;
        while (all.remaining() >= 8) {
            int len = all.getInt();
            int crc = all.getInt();
            if (len < 0 || len > all.remaining()) break;
            byte[] payload = new byte[len];
            all.get(payload);
            CRC32C c = new CRC32C();
            c.update(payload);
            if ((int) c.getValue() != crc) break;
            Object[] rec = (Object[]) Codec.decode(payload, Journal.class.getClassLoader());
            String id = (String) rec[0];
            if (BINDING.equals(id)) binding = (String) rec[1];
            else results.put(id, (byte[]) rec[1]);
            good = all.position();
            count++;
        }
        if (good < size) {
            LOG.log(System.Logger.Level.WARNING, "journal " + file + ": dropped " + (size - good) + " bytes after record " + count
                    + " (a record cut short by a crash); the tasks they held will run again");
            channel.truncate(good);
            channel.force(true);
        }
    }

    /**
     * Ties the journal to one job, described by {@code job} (what identifies its work: input checksum,
     * chunk size, ...). An empty journal takes the description; one written for another job is
     * refused, so a changed input never reuses stale results.
     *
     * @throws IllegalStateException if the journal belongs to another job
     */
    public synchronized Journal bind(String job) {
        checkOpen();
        if (binding == null) {
            append(BINDING, job);
            binding = job;
        } else if (!binding.equals(job)) {
            throw new IllegalStateException("journal " + file + " belongs to another job (" + binding + "), not to this one ("
                    + job + "); delete it, or give this job another journal");
        }
        return this;
    }

    /** Whether task {@code id} has finished. */
    public synchronized boolean isDone(String id) {
        return results.containsKey(id);
    }

    /** The result recorded for task {@code id}, cast to what the caller expects. @throws IllegalArgumentException if none */
    @SuppressWarnings("unchecked")
    public <R> R result(String id) {
        byte[] b;
        synchronized (this) {
            b = results.get(id);
        }
        if (b == null) throw new IllegalArgumentException("journal " + file + " has no result for task '" + id + "'");
        Object[] one = (Object[]) Codec.decode(b, loader);
        return (R) one[0];
    }

    /** The ids of the finished tasks, in the order they finished. */
    public synchronized Set<String> done() {
        return Collections.unmodifiableSet(new java.util.LinkedHashSet<>(results.keySet()));
    }

    /** Number of finished tasks. */
    public synchronized int size() {
        return results.size();
    }

    /**
     * Records that task {@code id} finished with {@code result} (serializable, or null). Recording a
     * task twice keeps the first result.
     */
    public void record(String id, Object result) {
        if (id == null || id.startsWith("\u0000")) throw new IllegalArgumentException("bad task id: " + id);
        byte[] encoded = Codec.encode(new Object[]{result}, loader);
        synchronized (this) {
            checkOpen();
            if (results.containsKey(id)) return;
            append(id, encoded);
            results.put(id, encoded);
        }
    }

    private void append(String id, Object value) {
        byte[] payload = Codec.encode(new Object[]{id, value}, Journal.class.getClassLoader());
        CRC32C c = new CRC32C();
        c.update(payload);
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.putInt(payload.length).putInt((int) c.getValue()).put(payload).flip();
        try {
            long at = channel.size();
            while (b.hasRemaining()) at += channel.write(b, at);
            long now = System.nanoTime();
            if (now - lastSync > SYNC_MILLIS * 1_000_000) {
                channel.force(false);
                lastSync = now;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** Forces recorded tasks to disk now. */
    public synchronized void sync() {
        checkOpen();
        try {
            channel.force(false);
            lastSync = System.nanoTime();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync the journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** The journal's file. */
    public Path file() {
        return file;
    }

    /** Closes the journal and deletes its file: the job is finished and will not be resumed. */
    public void delete() {
        close();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** Syncs and closes the journal (the file stays, for a later resume). */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            channel.force(false);
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the journal " + file + ": " + e.getMessage(), e);
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("journal " + file + " is closed");
    }

    @Override public String toString() {
        return "Journal[" + file + ", " + size() + " tasks done]";
    }

    /** A short fingerprint of a value's serialized form (to describe a job's input in {@link #bind}). */
    public static String fingerprint(Object value, ClassLoader loader) {
        CRC32C c = new CRC32C();
        c.update(Codec.encode(value, loader));
        return Long.toHexString(c.getValue());
    }
}
