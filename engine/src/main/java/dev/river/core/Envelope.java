package dev.river.core;

import dev.river.sfm.Attributes;

import java.util.List;

/**
 * A message as it travels and waits in a queue: still encoded, decoded once (in the receiving VR's
 * class loader, on a thread of that VR) when a receive first looks at it.
 */
final class Envelope {
    final VrId src;
    final VrId dest;
    final byte[] body;
    final List<byte[]> blobs;
    /** Position on the channel src -> dest, from 1 (see {@link Channels}); 0 means unsequenced. */
    final long seq;
    private Message decoded;   // guarded by this

    Envelope(VrId src, VrId dest, byte[] body, List<byte[]> blobs, long seq) {
        this.src = src;
        this.dest = dest;
        this.body = body;
        this.blobs = blobs;
        this.seq = seq;
    }

    synchronized Message message(ClassLoader loader) {
        if (decoded == null) {
            decoded = new Message(src, dest, Attributes.decode(body, blobs, loader));
        }
        return decoded;
    }

    long size() {
        long n = body.length;
        for (byte[] b : blobs) n += b.length;
        return n;
    }
}
