package dev.river.mpi.impl;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The rMPI runtime of one rank after {@code MPI.Init}: its fabric, COMM_WORLD and COMM_SELF, the
 * allocation of communicator context ids, time, and the ways a rank ends (finalize, abort).
 *
 * <p>Context ids: a new communicator's id is the maximum, over the members that create it, of each
 * member's next free id; every member then moves past it. So the ids of all the communicators one
 * rank belongs to differ, which is all that message matching needs (communicators created by
 * different threads of one rank at the same time are not supported).
 *
 * <p>Internal: {@code mpi.MPI} holds one per rank.
 */
public final class Rank {
    public final RankContext context;
    final Fabric fabric;
    /** This rank in COMM_WORLD. */
    public final int world;
    public final int size;
    public final CommCore worldComm, selfComm;

    /** The rank's transport and progress engine. */
    public Fabric fabric() {
        return fabric;
    }
    private int nextId = 2;                                 // guarded by this
    private final List<CommCore> comms = new ArrayList<>(); // guarded by this: communicators with state to release

    private Rank(RankContext context) {
        this.context = context;
        this.fabric = context.fabric;
        this.world = context.rank;
        this.size = context.size;
        int[] all = new int[size];
        for (int i = 0; i < size; i++) all[i] = i;
        this.worldComm = track(new CommCore(this, 0, all, null));
        this.selfComm = track(new CommCore(this, 1, new int[]{world}, null));
    }

    /**
     * MPI_Init for the program classes of {@code facadeLoader} (the loader that defined {@code mpi.MPI}):
     * the rank the launcher prepared for it, or a singleton job of one rank.
     */
    public static Rank init(ClassLoader facadeLoader) {
        RankContext ctx = RankContext.forLoader(facadeLoader);
        if (ctx == null) ctx = RankContext.singleton();
        ctx.markInitialized();
        return new Rank(ctx);
    }

    private synchronized CommCore track(CommCore c) {
        comms.add(c);
        return c;
    }

    /** Forgets a freed communicator and stops its worker. */
    public synchronized void release(CommCore c) {
        comms.remove(c);
        c.release();
    }

    // ---------------------------------------------------------------- time and place

    public double wtime() {
        return System.nanoTime() / 1e9;
    }

    public double wtick() {
        return 1e-9;
    }

    public String processorName() {
        return context.processor;
    }

    // ---------------------------------------------------------------- communicator creation (collective)

    private int newId(CommCore over) {
        int candidate;
        synchronized (this) {
            candidate = nextId;
        }
        int id = Collectives.allMax(over, candidate);
        adopt(id);
        return id;
    }

    private synchronized void adopt(int id) {
        nextId = Math.max(nextId, id + 1);
    }

    /** MPI_Comm_dup: same group, new context. */
    public CommCore dup(CommCore c) {
        return track(new CommCore(this, newId(c), c.group, c.cart));
    }

    /**
     * MPI_Comm_split: ranks with the same {@code color} form a communicator, ordered by {@code key}
     * then by their rank in {@code c}; {@code undefined} as color gives null.
     */
    public CommCore split(CommCore c, int color, int key, int undefined) {
        int candidate;
        synchronized (this) {
            candidate = nextId;
        }
        int[] all = Collectives.allGatherInts(c, new int[]{color, key, candidate});
        int p = c.size();
        int id = 0;
        for (int i = 0; i < p; i++) id = Math.max(id, all[3 * i + 2]);
        adopt(id);
        if (color == undefined) return null;
        if (color < 0) throw new MpiError(MpiError.ERR_ARG, "split: color " + color + " is negative (use MPI.UNDEFINED to opt out)");
        List<Integer> members = new ArrayList<>();
        for (int i = 0; i < p; i++) if (all[3 * i] == color) members.add(i);
        members.sort(Comparator.<Integer>comparingInt(i -> all[3 * i + 1]).thenComparingInt(i -> i));
        int[] g = new int[members.size()];
        for (int i = 0; i < g.length; i++) g[i] = c.group[members.get(i)];
        return track(new CommCore(this, id, g, null));
    }

    /** MPI_Comm_create: collective over {@code c}; members of {@code group} (world ranks) get the new communicator, others null. */
    public CommCore create(CommCore c, int[] group) {
        checkSubset(c, group, "create");
        int id = newId(c);
        for (int w : group) if (w == world) return track(new CommCore(this, id, group.clone(), null));
        return null;
    }

    /**
     * MPI_Comm_create_group: collective over the members of {@code group} only; they agree on a
     * context id through messages tagged with {@code tag} on {@code c}.
     */
    public CommCore createGroup(CommCore c, int[] group, int tag) {
        checkSubset(c, group, "createGroup");
        if (tag < 0) throw new MpiError(MpiError.ERR_TAG, "createGroup: tag " + tag + " is negative");
        int me = -1;
        for (int i = 0; i < group.length; i++) if (group[i] == world) me = i;
        if (me < 0) return null;
        int t = -2 - tag;                                    // below the collectives' own tags
        int leader = commRank(c, group[0]);
        int candidate;
        synchronized (this) {
            candidate = nextId;
        }
        int id;
        if (me == 0) {
            id = candidate;
            for (int i = 1; i < group.length; i++) {
                Req r = fabric.irecv(c.coll, commRank(c, group[i]), group[i], t, null, "createGroup");
                c.await(r);
                id = Math.max(id, Fabric.kept(r).getInt(0));
            }
            ByteBuffer out = ByteBuffer.allocate(4).order(Buf.NATIVE).putInt(0, id);
            List<Req> sends = new ArrayList<>();
            for (int i = 1; i < group.length; i++) sends.add(c.sendBytes(commRank(c, group[i]), t, out.duplicate()));
            for (Req s : sends) c.await(s);
        } else {
            c.await(c.sendBytes(leader, t, ByteBuffer.allocate(4).order(Buf.NATIVE).putInt(0, candidate)));
            Req r = fabric.irecv(c.coll, leader, group[0], t, null, "createGroup");
            c.await(r);
            id = Fabric.kept(r).getInt(0);
        }
        adopt(id);
        return track(new CommCore(this, id, group.clone(), null));
    }

    /** MPI_Cart_create: the first prod(dims) ranks of {@code c} form the grid (no reordering); others get null. */
    public CommCore createCart(CommCore c, int[] dims, boolean[] periods) {
        Cartesian cart = new Cartesian(dims, periods);
        int n = cart.size();
        if (n > c.size()) {
            throw new MpiError(MpiError.ERR_DIMS, "createCart: the grid needs " + n + " processes but the communicator has " + c.size());
        }
        int id = newId(c);
        if (c.me >= n) return null;
        return track(new CommCore(this, id, Arrays.copyOf(c.group, n), cart));
    }

    /** MPI_Cart_sub: the sub-grids that keep the dimensions where {@code remain} is true. */
    public CommCore cartSub(CommCore c, boolean[] remain) {
        Cartesian cart = c.cart;
        if (cart == null) throw new MpiError(MpiError.ERR_TOPOLOGY, "sub: the communicator has no Cartesian topology");
        if (remain.length != cart.dims.length) {
            throw new MpiError(MpiError.ERR_DIMS, "sub: remainDims has " + remain.length + " entries, the grid " + cart.dims.length + " dimensions");
        }
        int[] coords = cart.coords(c.me);
        int color = 0;
        List<Integer> keptDims = new ArrayList<>();
        for (int d = 0; d < remain.length; d++) {
            if (remain[d]) keptDims.add(d);
            else color = color * cart.dims[d] + coords[d];
        }
        CommCore sub = split(c, color, c.me, Integer.MIN_VALUE);
        int[] dims = new int[keptDims.size()];
        boolean[] periods = new boolean[keptDims.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = cart.dims[keptDims.get(i)];
            periods[i] = cart.periods[keptDims.get(i)];
        }
        synchronized (this) {
            comms.remove(sub);
        }
        return track(new CommCore(this, sub.id, sub.group, new Cartesian(dims, periods)));
    }

    private static int commRank(CommCore c, int world) {
        for (int i = 0; i < c.group.length; i++) if (c.group[i] == world) return i;
        throw new MpiError(MpiError.ERR_GROUP, "world rank " + world + " is not in " + c);
    }

    private static void checkSubset(CommCore c, int[] group, String what) {
        for (int w : group) commRank(c, w);
        if (group.length == 0) return;
        int[] s = group.clone();
        Arrays.sort(s);
        for (int i = 1; i < s.length; i++) {
            if (s[i] == s[i - 1]) throw new MpiError(MpiError.ERR_GROUP, what + ": world rank " + s[i] + " appears twice in the group");
        }
    }

    // ---------------------------------------------------------------- the end

    /** MPI_Finalize: waits for every rank, delivers what is queued, closes the connections. */
    public void finalizeRank() {
        Collectives.barrier(worldComm, worldComm.nextTag());
        synchronized (this) {
            for (CommCore c : comms) c.release();
            comms.clear();
        }
        fabric.close();
        context.markFinalized();
    }

    /** MPI_Abort: ends the whole job with {@code code}; returns the error that unwinds the caller. */
    public RankTermination abort(int code, String where) {
        String why = "MPI_Abort(" + code + ") called by rank " + world + where;
        return context.end(code == 0 ? 1 : code, why);
    }

    /** A fatal MPI error (handler MPI.ERRORS_ARE_FATAL): ends the job; returns the error that unwinds the caller. */
    public RankTermination fatal(MpiError e, String where) {
        return context.end(e.errorClass() == 0 ? 1 : e.errorClass(), "rank " + world + ": MPI error" + where + ": " + e.getMessage()
                + " [errors are fatal; call comm.setErrhandler(MPI.ERRORS_RETURN) to get an MPIException instead]");
    }
}
