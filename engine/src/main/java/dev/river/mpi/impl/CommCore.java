package dev.river.mpi.impl;

import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The runtime of one communicator on one rank: its group (world ranks by communicator rank), this
 * rank's place in it, and its two matching contexts, one for point-to-point messages and one for the
 * internal messages of collectives (whose tag is the collective's sequence number, so successive and
 * concurrent non-blocking collectives never mix).
 *
 * <p>Threads: point-to-point calls may come from any thread; collectives of one communicator must be
 * called in the same order on every rank (MPI's rule), and non-blocking ones run in that order on the
 * communicator's worker thread.
 *
 * <p>Internal: {@code mpi.Comm} wraps one.
 */
public final class CommCore {
    static final Layout BYTES = Layout.basic(Base.BYTE);

    public final Rank rank;
    final Fabric fabric;
    final int id;
    final int p2p, coll;
    /** World rank of each communicator rank. */
    final int[] group;
    /** This rank's rank in the communicator. */
    public final int me;
    private int nextCollective;                 // guarded by this
    private ExecutorService worker;             // guarded by this; created on the first non-blocking collective
    /** Cartesian topology, or null. */
    public final Cartesian cart;

    CommCore(Rank rank, int id, int[] group, Cartesian cart) {
        this.rank = rank;
        this.fabric = rank.fabric;
        this.id = id;
        this.p2p = 2 * id;
        this.coll = 2 * id + 1;
        this.group = group;
        int m = -1;
        for (int i = 0; i < group.length; i++) if (group[i] == rank.world) m = i;
        this.me = m;
        this.cart = cart;
    }

    public int size() {
        return group.length;
    }

    /** World ranks of the members, by communicator rank (a copy). */
    public int[] group() {
        return group.clone();
    }

    /** Context id (for diagnostics and comparisons). */
    public int id() {
        return id;
    }

    // ---------------------------------------------------------------- point to point

    /** Checks a destination or source rank; PROC_NULL passes, ANY_SOURCE only where {@code anyOk}. */
    public void checkRank(int r, boolean anyOk, String what) {
        if (r == Req.PROC_NULL || (anyOk && r == Req.ANY)) return;
        if (r < 0 || r >= group.length) {
            throw new MpiError(MpiError.ERR_RANK, what + ": rank " + r + " is not in this communicator of " + group.length
                    + " rank(s) (valid: 0.." + (group.length - 1) + ", MPI.PROC_NULL" + (anyOk ? ", MPI.ANY_SOURCE" : "") + ")");
        }
    }

    private static void checkTag(int tag, boolean anyOk, String what) {
        if (tag < 0 && !(anyOk && tag == Req.ANY)) {
            throw new MpiError(MpiError.ERR_TAG, what + ": tag " + tag + " is invalid (tags are 0.." + Integer.MAX_VALUE
                    + (anyOk ? ", or MPI.ANY_TAG" : "") + ")");
        }
    }

    public Req isend(Object buf, int count, Layout type, int dest, int tag, Fabric.Mode mode, String what) {
        checkRank(dest, false, what);
        checkTag(tag, false, what);
        Cursor c = new Cursor(Buf.of(buf, type.base), 0, count, type, what);
        if (dest == Req.PROC_NULL) return Req.completed(Req.PROC_NULL, Req.ANY);
        return fabric.isend(p2p, me, tag, group[dest], c, mode);
    }

    public Req irecv(Object buf, int count, Layout type, int source, int tag, String what) {
        checkRank(source, true, what);
        checkTag(tag, true, what);
        Cursor c = new Cursor(Buf.of(buf, type.base), 0, count, type, what);
        if (source == Req.PROC_NULL) return Req.completed(Req.PROC_NULL, Req.ANY);
        return fabric.irecv(p2p, source, source == Req.ANY ? Req.ANY : group[source], tag, c, what);
    }

    /** The envelope of a matching message, or null (PROC_NULL gives an empty status at once). */
    public Req iprobe(int source, int tag) {
        checkRank(source, true, "iProbe");
        checkTag(tag, true, "iProbe");
        if (source == Req.PROC_NULL) return Req.completed(Req.PROC_NULL, Req.ANY);
        return fabric.iprobe(p2p, source, tag);
    }

    public Req probe(int source, int tag) {
        checkRank(source, true, "probe");
        checkTag(tag, true, "probe");
        if (source == Req.PROC_NULL) return Req.completed(Req.PROC_NULL, Req.ANY);
        return fabric.probe(p2p, source, tag);
    }

    /**
     * A matched probe: the first matching message, taken out of matching (null from a non-blocking
     * one when none has arrived). The caller handles MPI.PROC_NULL.
     */
    public Msg mprobe(int source, int tag, boolean wait, String what) {
        checkRank(source, true, what);
        checkTag(tag, true, what);
        return fabric.mprobe(p2p, source, tag, wait);
    }

    /** Receives a message a matched probe took into {@code count} items of {@code type} of {@code buf}. */
    public Req mrecv(Msg m, Object buf, int count, Layout type, String what) {
        Cursor c = new Cursor(Buf.of(buf, type.base), 0, count, type, what);
        return fabric.mrecv(m, c, what);
    }

    // ---------------------------------------------------------------- internal messages of collectives

    /** A collective's body, given the tag its internal messages use. */
    @FunctionalInterface
    public interface Collective {
        void run(int tag);
    }

    /** Runs a blocking collective with the next tag. */
    public void run(Collective body) {
        body.run(nextTag());
    }

    /** Runs blocking collective {@code name} (the MPI method) with the next tag, counting its time. */
    public void run(String name, Collective body) {
        long start = System.nanoTime();
        try {
            body.run(nextTag());
        } finally {
            rank.fabric.traffic.collective(name, System.nanoTime() - start);
        }
    }

    /** The tag of the next collective on this communicator (same sequence on every member). */
    synchronized int nextTag() {
        int t = nextCollective;
        nextCollective = (nextCollective + 1) & Integer.MAX_VALUE;
        return t;
    }

    /** Sends the remaining bytes of {@code data} (not copied: leave it alone until the send is done). */
    Req sendBytes(int dest, int tag, ByteBuffer data) {
        ByteBuffer region = data.slice();
        return fabric.isend(coll, me, tag, group[dest], new Cursor(Buf.of(region, Base.BYTE), 0, region.remaining(), BYTES, "collective"), Fabric.Mode.STANDARD);
    }

    /** Receives a message of unknown size; {@link Fabric#kept} gives its bytes. */
    Req recvBytes(int source, int tag) {
        return fabric.irecv(coll, source, group[source], tag, null, "collective");
    }

    /** Receives into the bytes {@code [position, limit)} of {@code into}. */
    Req recvInto(int source, int tag, ByteBuffer into) {
        ByteBuffer region = into.slice();
        return fabric.irecv(coll, source, group[source], tag, new Cursor(Buf.of(region, Base.BYTE), 0, region.remaining(), BYTES, "collective"), "collective");
    }

    /** Waits for a request of a collective and raises its error, if any. */
    void await(Req r) {
        fabric.await(r);
        if (r.error != null) throw r.error;
    }

    /** Sends {@code out} to {@code dest} and receives into {@code in} from {@code src}, both at once. */
    void exchange(int dest, ByteBuffer out, int src, ByteBuffer in, int tag) {
        Req r = recvInto(src, tag, in);
        Req s = sendBytes(dest, tag, out);
        await(r);
        await(s);
    }

    // ---------------------------------------------------------------- non-blocking collectives

    /**
     * Runs {@code body} (a blocking collective) on this communicator's worker thread; the request
     * completes when it returns. Collectives start in call order, as MPI requires.
     */
    public Req start(Collective body) {
        int tag = nextTag();                     // taken now: the call order fixes the tag on every rank
        Req r = new Req() {};
        ExecutorService w;
        synchronized (this) {
            if (worker == null) {
                ThreadGroup g = rank.context.threads;
                worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), task -> {
                    Thread t = new Thread(g, task, "mpi-collectives-" + rank.world + "-comm" + id);
                    t.setDaemon(true);
                    return t;
                });
            }
            w = worker;
        }
        RankContext ctx = rank.context;
        w.execute(() -> {
            ctx.attachCurrentThread();
            MpiError err = null;
            try {
                body.run(tag);
            } catch (MpiError e) {
                err = e;
            } catch (RankTermination t) {
                err = new MpiError(MpiError.ERR_OTHER, "the rank is ending: " + t.getMessage());
            } catch (RuntimeException e) {
                err = new MpiError(MpiError.ERR_INTERN, "a non-blocking collective failed: " + e, e);
            }
            fabric.completed(r, err);
        });
        return r;
    }

    /** Stops the worker thread (communicator freed, or MPI finalized). */
    public synchronized void release() {
        if (worker != null) worker.shutdown();
        worker = null;
    }

    // ---------------------------------------------------------------- packing helpers

    /** Packs {@code count} items of {@code type} from {@code buf} starting at item {@code at}. */
    static ByteBuffer pack(Object buf, int at, int count, Layout type, String what) {
        return new Cursor(Buf.of(buf, type.base), at * type.extent, count, type, what).packAll();
    }

    /** Unpacks packed {@code data} into {@code count} items of {@code type} of {@code buf} starting at item {@code at}. */
    static void unpack(ByteBuffer data, Object buf, int at, int count, Layout type, String what) {
        Cursor c = new Cursor(Buf.of(buf, type.base), at * type.extent, count, type, what);
        c.unpack(data.duplicate().order(Buf.NATIVE));
    }

    @Override
    public String toString() {
        return "comm" + id + "[" + me + "/" + group.length + "]";
    }
}
