package dev.river.mpi.impl;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The reducing collectives of rMPI: reduce, allReduce, scan / exScan and reduceScatter, with the
 * trees and rings they share (reduce towards a root, recursive doubling, ring reduce-scatter plus
 * allgather) and the helpers that combine packed data with an operator. They are separate from
 * {@link Collectives} because they are the only collectives that apply a {@link ReduceFn} and
 * therefore care about operand order for non-commutative operators; the pure data movement (bcast,
 * gather, scatter, allgather, alltoall) stays there. {@link Collectives} keeps the public entry
 * points, since package {@code mpi} calls that class.
 */
final class ReduceCollectives {
    /** allReduce switches to the ring algorithm at this many bytes (for commutative operators). */
    static final int RING_ALLREDUCE_BYTES = 64 * 1024;

    private ReduceCollectives() {}

    /** MPI_Reduce; {@code sendbuf == null} is MPI_IN_PLACE at the root (its data is in recvbuf). */
    static void reduce(CommCore c, int tag, Object sendbuf, Object recvbuf, int count, Layout type, ReduceFn op, int root) {
        int p = c.size(), me = c.me;
        c.checkRank(root, false, "reduce root");
        ByteBuffer acc = CommCore.pack(sendbuf != null ? sendbuf : recvbuf, 0, count, type, "reduce");
        acc = reduceToward(c, tag, acc, count, type, op, root);
        if (me == root) Collectives.unpackChecked(acc, recvbuf, 0, count, type, "reduce");
    }

    /** Reduces every rank's {@code acc} to {@code root}; returns the result there (other ranks: anything). */
    private static ByteBuffer reduceToward(CommCore c, int tag, ByteBuffer acc, int count, Layout type, ReduceFn op, int root) {
        int p = c.size(), me = c.me;
        if (p == 1) return acc;
        if (op.commutative()) {
            int vr = Collectives.rel(me, root, p);
            for (int mask = 1; mask < p; mask <<= 1) {
                if ((vr & mask) == 0) {
                    int child = vr | mask;
                    if (child < p) {
                        ByteBuffer tmp = recvSame(c, Collectives.abs(child, root, p), tag, acc.remaining(), "reduce");
                        apply(op, tmp, acc, count, type);
                    }
                } else {
                    c.await(c.sendBytes(Collectives.abs(vr & ~mask, root, p), tag, acc));
                    return acc;
                }
            }
            return acc;
        }
        // non-commutative: a tree rooted at rank 0 where every node holds a contiguous range of ranks
        for (int mask = 1; mask < p; mask <<= 1) {
            if ((me & mask) == 0) {
                int child = me | mask;
                if (child < p) {
                    ByteBuffer tmp = recvSame(c, child, tag, acc.remaining(), "reduce");
                    apply(op, acc, tmp, count, type);      // lower ranks (acc) op higher ranks (tmp)
                    acc = tmp;
                }
            } else {
                c.await(c.sendBytes(me & ~mask, tag, acc));
                break;
            }
        }
        if (root != 0) {
            if (me == 0) c.await(c.sendBytes(root, tag, acc));
            if (me == root) acc = recvSame(c, 0, tag, acc.remaining(), "reduce");
        }
        return acc;
    }

    /** MPI_Allreduce; {@code sendbuf == null} is MPI_IN_PLACE (the data is in recvbuf). */
    static void allReduce(CommCore c, int tag, Object sendbuf, Object recvbuf, int count, Layout type, ReduceFn op) {
        int p = c.size();
        ByteBuffer acc = CommCore.pack(sendbuf != null ? sendbuf : recvbuf, 0, count, type, "allReduce");
        if (p > 1) {
            if (op.commutative() && acc.remaining() >= RING_ALLREDUCE_BYTES && count >= p) {
                ringAllReduce(c, tag, acc, count, type, op);
            } else {
                acc = recursiveDoubling(c, tag, acc, count, type, op);
            }
        }
        Collectives.unpackChecked(acc, recvbuf, 0, count, type, "allReduce");
    }

    private static ByteBuffer recursiveDoubling(CommCore c, int tag, ByteBuffer acc, int count, Layout type, ReduceFn op) {
        int p = c.size(), me = c.me, bytes = acc.remaining();
        int pof2 = Integer.highestOneBit(p), rem = p - pof2;
        int newRank;
        // fold the ranks beyond the largest power of two into their neighbours
        if (me < 2 * rem) {
            if (me % 2 == 0) {
                c.await(c.sendBytes(me + 1, tag, acc));
                newRank = -1;
            } else {
                ByteBuffer tmp = recvSame(c, me - 1, tag, bytes, "allReduce");
                apply(op, tmp, acc, count, type);
                newRank = me / 2;
            }
        } else {
            newRank = me - rem;
        }
        if (newRank >= 0) {
            ByteBuffer tmp = ByteBuffer.allocate(bytes).order(Buf.NATIVE);
            for (int mask = 1; mask < pof2; mask <<= 1) {
                int newDst = newRank ^ mask;
                int dst = newDst < rem ? newDst * 2 + 1 : newDst + rem;
                c.exchange(dst, acc.duplicate(), dst, tmp.clear(), tag);
                tmp.clear();
                if (dst < me || op.commutative()) {
                    apply(op, tmp, acc, count, type);
                } else {
                    apply(op, acc, tmp, count, type);
                    ByteBuffer t = acc;
                    acc = tmp;
                    tmp = t;
                }
            }
        }
        if (me < 2 * rem) {
            if (me % 2 == 1) c.await(c.sendBytes(me - 1, tag, acc));
            else acc = recvSame(c, me + 1, tag, bytes, "allReduce");
        }
        return acc;
    }

    /** Ring reduce-scatter then ring allgather, on segments of whole items; commutative operators only. */
    private static void ringAllReduce(CommCore c, int tag, ByteBuffer acc, int count, Layout type, ReduceFn op) {
        int p = c.size(), me = c.me, item = type.packedBytes();
        int[] first = new int[p + 1];                    // segment s covers items [first[s], first[s+1])
        for (int s = 0; s <= p; s++) first[s] = (int) ((long) count * s / p);
        int right = (me + 1) % p, left = (me - 1 + p) % p;
        ByteBuffer tmp = ByteBuffer.allocate((count / p + 1) * item).order(Buf.NATIVE);
        for (int step = 0; step < p - 1; step++) {
            int send = Math.floorMod(me - step, p), recv = Math.floorMod(me - step - 1, p);
            int n = first[recv + 1] - first[recv];
            ByteBuffer in = tmp.clear().limit(n * item);
            c.exchange(right, segment(acc, first, send, item), left, in, tag);
            apply(op, tmp.slice(0, n * item).order(Buf.NATIVE), segment(acc, first, recv, item), n, type);
        }
        for (int step = 0; step < p - 1; step++) {
            int send = Math.floorMod(me - step + 1, p), recv = Math.floorMod(me - step, p);
            c.exchange(right, segment(acc, first, send, item), left, segment(acc, first, recv, item), tag);
        }
    }

    private static ByteBuffer segment(ByteBuffer acc, int[] first, int s, int item) {
        return acc.slice(first[s] * item, (first[s + 1] - first[s]) * item).order(Buf.NATIVE);
    }

    /** MPI_Scan (inclusive) or MPI_Exscan; {@code sendbuf == null} is MPI_IN_PLACE. */
    static void scan(CommCore c, int tag, Object sendbuf, Object recvbuf, int count, Layout type, ReduceFn op, boolean exclusive) {
        int p = c.size(), me = c.me;
        String what = exclusive ? "exScan" : "scan";
        ByteBuffer partial = CommCore.pack(sendbuf != null ? sendbuf : recvbuf, 0, count, type, what);
        int bytes = partial.remaining();
        ByteBuffer result = exclusive ? null : copy(partial);
        ByteBuffer tmp = ByteBuffer.allocate(bytes).order(Buf.NATIVE);
        for (int mask = 1; mask < p; mask <<= 1) {
            int dst = me ^ mask;
            if (dst >= p) continue;
            c.exchange(dst, partial.duplicate(), dst, tmp.clear(), tag);
            tmp.clear();
            if (me > dst) {                                  // tmp holds lower ranks
                if (result == null) result = copy(tmp);
                else apply(op, tmp, result, count, type);
                apply(op, tmp, partial, count, type);
            } else if (op.commutative()) {
                apply(op, tmp, partial, count, type);
            } else {
                apply(op, partial, tmp, count, type);
                ByteBuffer t = partial;
                partial = tmp;
                tmp = t;
            }
        }
        if (result != null) Collectives.unpackChecked(result, recvbuf, 0, count, type, what);
    }

    /** MPI_Reduce_scatter: the reduced vector's block {@code i} ({@code counts[i]} items) ends at rank i. */
    static void reduceScatter(CommCore c, int tag, Object sendbuf, Object recvbuf, int[] counts, Layout type, ReduceFn op) {
        int p = c.size(), me = c.me;
        if (counts.length != p) {
            throw new MpiError(MpiError.ERR_COUNT, "reduceScatter: recvcounts has " + counts.length + " entries, the communicator " + p + " ranks");
        }
        int total = 0;
        for (int n : counts) total += n;
        ByteBuffer acc = CommCore.pack(sendbuf != null ? sendbuf : recvbuf, 0, total, type, "reduceScatter");
        acc = reduceToward(c, tag, acc, total, type, op, 0);
        int item = type.packedBytes();
        if (me == 0) {
            List<Req> sends = new ArrayList<>();
            int at = counts[0];
            for (int r = 1; r < p; r++) {
                sends.add(c.sendBytes(r, tag, acc.slice(at * item, counts[r] * item)));
                at += counts[r];
            }
            Collectives.unpackChecked(acc.slice(0, counts[0] * item).order(Buf.NATIVE), recvbuf, 0, counts[0], type, "reduceScatter");
            for (Req s : sends) c.await(s);
        } else {
            ByteBuffer mine = recvSame(c, 0, tag, counts[me] * item, "reduceScatter");
            Collectives.unpackChecked(mine, recvbuf, 0, counts[me], type, "reduceScatter");
        }
    }

    private static ByteBuffer recvSame(CommCore c, int src, int tag, int bytes, String what) {
        Req r = c.recvBytes(src, tag);
        c.await(r);
        ByteBuffer b = Fabric.kept(r);
        if (b.remaining() != bytes) {
            throw new MpiError(MpiError.ERR_COUNT, what + ": rank " + src + " contributed " + b.remaining() + " bytes, this rank "
                    + bytes + " (every rank must pass the same count and datatype)");
        }
        return b;
    }

    private static void apply(ReduceFn op, ByteBuffer in, ByteBuffer inout, int count, Layout type) {
        op.reduce(in.duplicate().order(Buf.NATIVE).clear(), inout.duplicate().order(Buf.NATIVE).clear(), count, type);
    }

    private static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocate(b.remaining()).order(Buf.NATIVE);
        c.put(b.duplicate());
        return c.flip();
    }
}
