package dev.river.mapreduce;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Output;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes key/value records into segments: a file holds one segment per partition (map outputs,
 * spills) or a single one (merged runs). Each segment is an independent Kryo stream, so a reader can
 * start at its offset. Not thread-safe; close it to return its Kryo.
 */
final class RecordWriter implements AutoCloseable {
    private final Kryos kryos;
    private final Kryo kryo;
    private final Output out;
    private final ByteArrayOutputStream memory;
    private long segmentStart;
    private long records;
    private boolean closed;

    private RecordWriter(Kryos kryos, OutputStream os, ByteArrayOutputStream memory) {
        this.kryos = kryos;
        this.kryo = kryos.obtain();
        this.out = new Output(os, 64 * 1024);
        this.memory = memory;
    }

    static RecordWriter toFile(Kryos kryos, Path file) {
        try {
            return new RecordWriter(kryos, Files.newOutputStream(file), null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + " (local disk full, or the directory is gone?): " + e.getMessage(), e);
        }
    }

    static RecordWriter inMemory(Kryos kryos) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64 * 1024);
        return new RecordWriter(kryos, b, b);
    }

    /** Starts a segment at the current position. */
    void beginSegment() {
        kryo.reset();
        segmentStart = out.total();
        records = 0;
    }

    /** Bytes written so far (the next segment's offset). */
    long position() {
        return out.total();
    }

    long segmentLength() {
        return out.total() - segmentStart;
    }

    long segmentStart() {
        return segmentStart;
    }

    long segmentRecords() {
        return records;
    }

    void write(Object key, Object value) {
        try {
            kryo.writeClassAndObject(out, key);
            kryo.writeClassAndObject(out, value);
        } catch (KryoException | StackOverflowError e) {
            kryo.reset();
            throw new IllegalArgumentException("cannot serialize the pair (" + describe(key) + ", " + describe(value)
                    + "): " + e.getMessage() + ". Keys and values must be serializable data without cycles", e);
        }
        records++;
    }

    /** For an in-memory writer: the bytes written (after flushing). */
    byte[] bytes() {
        out.flush();
        return memory.toByteArray();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            out.close();
        } catch (KryoException e) {
            throw new UncheckedIOException("writing a sorted run failed (local disk full?): " + e.getMessage(),
                    e.getCause() instanceof IOException io ? io : new IOException(e));
        } finally {
            kryos.release(kryo);
        }
    }

    static String describe(Object o) {
        if (o == null) return "null";
        String s;
        try {
            s = String.valueOf(o);
        } catch (RuntimeException e) {
            s = o.getClass().getName() + "@?";
        }
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
