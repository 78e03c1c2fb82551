package dev.river.mpi.impl;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/** An accepted connection from a peer and the message being read from it. Under mu. */
final class InConn {
    final SocketChannel ch;
    SelectionKey key;
    ByteBuffer in = ByteBuffer.allocateDirect(Tuning.SMALL_IN).order(Buf.NATIVE);   // write mode between reads
    int growTo;
    int from = -1;                      // world rank, once the handshake is read
    boolean inMessage;
    int ctx, src, tag;
    long seq, left;
    boolean sync;
    RecvReq target;                     // a posted receive the data streams into
    ByteBuffer keep;                    // or the whole message, for the unexpected queue

    InConn(SocketChannel ch) {
        this.ch = ch;
    }
}
