package dev.river.mapreduce;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;

import java.io.Closeable;
import java.io.IOException;

/** Reads the key/value records of one run, in order. Not thread-safe; close it to return its Kryo. */
final class RecordReader implements AutoCloseable {
    private final Kryos kryos;
    private final Kryo kryo;
    private final Input in;
    private final Closeable resource;
    private Object key;
    private Object value;
    private boolean closed;

    RecordReader(Kryos kryos, Input in, Closeable resource) {
        this.kryos = kryos;
        this.kryo = kryos.obtain();
        this.kryo.reset();
        this.in = in;
        this.resource = resource;
    }

    /** Reads the next record; false at the end of the run. */
    boolean next() {
        if (in.end()) return false;
        try {
            key = kryo.readClassAndObject(in);
            value = kryo.readClassAndObject(in);
        } catch (KryoException e) {
            throw new IllegalStateException("a sorted run is corrupt or was written by another River version: " + e.getMessage(), e);
        }
        return true;
    }

    Object key() {
        return key;
    }

    Object value() {
        return value;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        kryos.release(kryo);
        try {
            if (resource != null) resource.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
