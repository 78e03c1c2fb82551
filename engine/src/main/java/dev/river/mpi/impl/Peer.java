package dev.river.mpi.impl;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** What this rank knows of one world rank, and its outgoing connection to it. Under mu. */
final class Peer {
    final int world;
    String address;
    Fabric local;                       // the rank's fabric when it runs in this JVM
    SocketChannel out;
    SelectionKey key;
    final ArrayDeque<OutFrame> queue = new ArrayDeque<>();
    final List<OutFrame> inStaging = new ArrayList<>();
    ByteBuffer staging;                 // read mode: bytes waiting for the socket
    boolean finished;                   // it said goodbye (finalized)
    String lost;                        // why it is unreachable, or null
    private boolean writing;

    Peer(int world) {
        this.world = world;
    }

    void wantWrite(boolean on) {
        if (on != writing && key != null && key.isValid()) {
            key.interestOps(on ? SelectionKey.OP_WRITE : 0);
            writing = on;
        }
    }
}
