package dev.river.mpi.impl;

/**
 * A send in flight. A standard send is done once its bytes are handed to the kernel (or copied, for
 * a rank in the same JVM); a synchronous send (sSend) also waits for the receiver's acknowledgement,
 * sent when a receive matched it.
 *
 * <p>Threads: touched only under the owning fabric's lock.
 */
final class SendReq extends Req {
    final long id;
    final boolean sync;
    final int destWorld;
    boolean written;
    boolean acked;
    int bsendBytes;     // reserved in the attached buffer until written

    SendReq(long id, boolean sync, int destWorld) {
        this.id = id;
        this.sync = sync;
        this.destWorld = destWorld;
    }

    void onWritten() {
        written = true;
        if (!sync || acked) finish(null);
    }

    void onAck() {
        acked = true;
        if (written) finish(null);
    }
}
