package dev.river.core;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A message on a {@link Link}'s bulk queue and how far it has been written: a large message, cut into
 * {@link Wire#BULK_CHUNK} chunks so that small messages can travel between them, or a small one queued
 * behind its channel's large one (written whole, so its channel stays in order).
 *
 * <p>Not thread-safe: its link's lock guards it.
 */
final class ChunkedMessage {
    final Object channel;
    final ByteBuffer[] frames;
    final ByteBuffer whole;       // a small message: its SMALL chunk
    boolean started;
    int frame, off;

    ChunkedMessage(Object channel, ByteBuffer[] frames, ByteBuffer whole) {
        this.channel = channel;
        this.frames = frames;
        this.whole = whole;
    }

    /** The next chunk to write: the header, then data of at most BULK_CHUNK bytes, spanning frames. */
    ByteBuffer[] next() {
        if (!started) {
            started = true;
            return new ByteBuffer[]{whole != null ? whole : Wire.bulkStart(frames)};
        }
        List<ByteBuffer> parts = new ArrayList<>(4);
        parts.add(null);
        int room = Wire.BULK_CHUNK;
        while (room > 0 && frame < frames.length) {
            ByteBuffer f = frames[frame];
            int take = Math.min(room, f.remaining() - off);
            if (take > 0) parts.add(f.duplicate().position(f.position() + off).limit(f.position() + off + take));
            off += take;
            room -= take;
            if (off == f.remaining()) {
                frame++;
                off = 0;
            }
        }
        parts.set(0, Wire.chunkHeader(Wire.BULK_DATA, Wire.BULK_CHUNK - room));
        return parts.toArray(ByteBuffer[]::new);
    }

    boolean done() {
        return started && (whole != null || frame == frames.length);
    }

    void restart() {
        started = false;
        frame = 0;
        off = 0;
        if (whole != null) whole.rewind();
    }
}
