package dev.river.mpi.impl;

import java.nio.ByteBuffer;

/** A frame waiting to be written: header, then the data packed on the fly or already packed. */
final class OutFrame {
    final ByteBuffer head;
    Cursor cursor;
    ByteBuffer body;
    SendReq req;
    int bsendBytes;

    OutFrame(ByteBuffer head) {
        this.head = head;
    }

    /** Puts as much as fits into {@code dst}; true once the whole frame is in. */
    boolean fill(ByteBuffer dst) {
        if (head.hasRemaining()) {
            if (dst.remaining() < Fabric.HEADER) return false;
            dst.put(head);
        }
        if (cursor != null) {
            cursor.pack(dst);
            return cursor.remainingBytes() == 0;
        }
        if (body != null) {
            int n = Math.min(body.remaining(), dst.remaining());
            dst.put(body.slice(body.position(), n));
            body.position(body.position() + n);
            return !body.hasRemaining();
        }
        return true;
    }
}
