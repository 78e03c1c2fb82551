package dev.river.mpi.impl;

import java.nio.ByteBuffer;

/**
 * A whole message (or acknowledgement) that arrived before a receive matched it, or that a rank in
 * the same JVM handed over: the envelope and the packed data, flipped for reading. Public only as the
 * opaque handle of a message taken out of matching by a matched probe ({@code mpi.Message}).
 */
public final class Msg {
    final byte kind;
    final int ctx, src, tag;
    final long seq;
    final boolean sync;
    final int fromWorld;
    final ByteBuffer data;

    Msg(byte kind, int ctx, int src, int tag, long seq, boolean sync, int fromWorld, ByteBuffer data) {
        this.kind = kind;
        this.ctx = ctx;
        this.src = src;
        this.tag = tag;
        this.seq = seq;
        this.sync = sync;
        this.fromWorld = fromWorld;
        this.data = data;
    }
}
