package dev.river.mapreduce;

import com.esotericsoftware.kryo.Kryo;
import dev.river.sfm.Codec;

import java.util.ArrayDeque;

/**
 * Kryo instances for record streams, one per open stream: references off (records are data) and no
 * automatic reset, so a class name is written once per segment rather than once per record; each
 * segment starts with a {@link Kryo#reset()} on both sides. Thread-safe pool; one per VR.
 */
final class Kryos {
    private final ClassLoader loader;
    private final ArrayDeque<Kryo> free = new ArrayDeque<>();   // guarded by this

    Kryos(ClassLoader loader) {
        this.loader = loader;
    }

    synchronized Kryo obtain() {
        Kryo k = free.poll();
        if (k != null) return k;
        k = Codec.newKryo(loader);
        k.setReferences(false);
        k.setAutoReset(false);
        return k;
    }

    synchronized void release(Kryo k) {
        k.reset();
        if (free.size() < 64) free.push(k);
    }

    ClassLoader loader() {
        return loader;
    }
}
