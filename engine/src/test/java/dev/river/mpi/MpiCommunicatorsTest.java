package dev.river.mpi;

import mpi.CartComm;
import mpi.CartParms;
import mpi.Comm;
import mpi.Group;
import mpi.Intracomm;
import mpi.MPI;
import mpi.MPIException;
import mpi.ShiftParms;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.river.mpi.MpiTesting.check;
import static dev.river.mpi.MpiTesting.equal;

/** Communicators (dup, split, create, createGroup, compare, free), groups, and Cartesian topologies. */
class MpiCommunicatorsTest extends OnTwoEngines {
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 6})
    void dupSplitCreateCompareFree(int np) {
        MpiTesting.ok(cluster, np, Communicators.class);
    }

    public static class Communicators {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            Intracomm w = MPI.COMM_WORLD;
            int me = w.getRank(), n = w.getSize();
            equal(MPI.IDENT, Comm.compare(w, w), "compare world with itself");
            // dup: same group, separate messages: the same tag on both never mixes
            Intracomm d = w.dup();
            equal(MPI.CONGRUENT, Comm.compare(w, d), "dup is congruent");
            equal(me, d.getRank(), "dup rank");
            if (me == 0) {
                w.send(new int[]{1}, 1, MPI.INT, n - 1, 5);
                d.send(new int[]{2}, 1, MPI.INT, n - 1, 5);
            } else if (me == n - 1) {
                int[] v = new int[1];
                d.recv(v, 1, MPI.INT, 0, 5);                    // receive on dup first: must get dup's message
                equal(2, v[0], "dup's message");
                w.recv(v, 1, MPI.INT, 0, 5);
                equal(1, v[0], "world's message");
            }
            // split into even and odd ranks, reversed order by key
            Intracomm parity = w.split(me % 2, -me);
            int size = (n + 1 - me % 2) / 2;
            equal(size, parity.getSize(), "split size");
            equal(size - 1 - me / 2, parity.getRank(), "split rank ordered by key");
            int[] sum = new int[1];
            parity.allReduce(new int[]{me}, sum, 1, MPI.INT, MPI.SUM);
            int want = 0;
            for (int r = me % 2; r < n; r += 2) want += r;
            equal(want, sum[0], "allReduce within the split");
            equal(MPI.UNEQUAL, Comm.compare(w, parity), "split vs world");
            // split with UNDEFINED: a null communicator
            Intracomm some = w.split(me == 0 ? MPI.UNDEFINED : 0, me);
            check(me == 0 ? some.isNull() : !some.isNull(), "UNDEFINED gives a null communicator");
            if (me != 0) equal(n - 1, some.getSize(), "split without rank 0");
            // group arithmetic and create
            Group g = w.getGroup();
            equal(n, g.getSize(), "world group size");
            equal(me, g.getRank(), "group rank");
            Group evens = g.incl(evenRanks(n));
            Group odds = g.excl(evenRanks(n));
            equal(MPI.UNEQUAL, Group.compare(evens, odds), "evens vs odds");
            Group back = Group.union(evens, odds);
            equal(n > 2 ? MPI.SIMILAR : MPI.IDENT, Group.compare(back, g), "union is the world (reordered beyond 2 ranks)");
            equal(0, Group.intersection(evens, odds).getSize(), "intersection is empty");
            equal(odds.getSize(), Group.difference(g, evens).getSize(), "difference");
            int[] tr = Group.translateRanks(g, new int[]{0, 1}, odds);
            equal(new int[]{MPI.UNDEFINED, 0}, tr, "translateRanks");
            equal(evens.getSize(), g.rangeIncl(new int[][]{{0, n - 1, 2}}).getSize(), "rangeIncl");
            equal(odds.getSize(), g.rangeExcl(new int[][]{{0, n - 1, 2}}).getSize(), "rangeExcl");
            equal(me % 2 == 0 ? me / 2 : MPI.UNDEFINED, evens.getRank(), "rank in the evens group");
            Intracomm ec = w.create(evens);
            check(me % 2 == 0 ? !ec.isNull() : ec.isNull(), "create: members only");
            if (me % 2 == 0) {
                int[] mx = new int[1];
                ec.allReduce(new int[]{me}, mx, 1, MPI.INT, MPI.MAX);
                equal((n - 1) / 2 * 2, mx[0], "allReduce on the created communicator");
                equal(MPI.IDENT, Group.compare(ec.getGroup(), evens), "created group");
            }
            // createGroup: only the odd ranks take part
            if (me % 2 == 1) {
                Intracomm oc = w.createGroup(odds, 7);
                equal(me / 2, oc.getRank(), "createGroup rank");
                oc.barrier();
                oc.free();
                check(oc.isNull(), "freed communicator is null");
            }
            // communicators of communicators; error on a freed one
            Intracomm dd = d.dup();
            dd.barrier();
            d.free();
            dd.setErrhandler(MPI.ERRORS_RETURN);
            d.setErrhandler(MPI.ERRORS_RETURN);
            try {
                d.barrier();
                throw new AssertionError("barrier on a freed communicator must fail");
            } catch (MPIException e) {
                equal(MPI.ERR_COMM, e.getErrorClass(), "freed communicator error");
            }
            // names and attributes
            equal("MPI_COMM_WORLD", w.getName(), "world name");
            equal(Integer.MAX_VALUE, w.getAttr(MPI.TAG_UB), "TAG_UB");
            int key = Comm.createKeyval();
            w.setAttr(key, "value");
            equal("value", w.getAttr(key), "user attribute");
            // COMM_SELF
            equal(1, MPI.COMM_SELF.getSize(), "COMM_SELF size");
            int[] self = new int[1];
            MPI.COMM_SELF.allReduce(new int[]{me}, self, 1, MPI.INT, MPI.SUM);
            equal(me, self[0], "COMM_SELF allReduce");
            MPI.Finalize();
        }

        static int[] evenRanks(int n) {
            int[] r = new int[(n + 1) / 2];
            for (int i = 0; i < r.length; i++) r[i] = 2 * i;
            return r;
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 6})
    void cartesianTopology(int np) {
        MpiTesting.ok(cluster, np, Cartesian.class);
    }

    public static class Cartesian {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            Intracomm w = MPI.COMM_WORLD;
            int me = w.getRank(), n = w.getSize();
            int[] dims = {0, 0};
            CartComm.createDims(n, dims);
            equal(n, dims[0] * dims[1], "createDims covers every rank");
            check(dims[0] >= dims[1], "createDims is balanced, largest first");
            int[] fixed = {0, 3, 0};
            CartComm.createDims(12, fixed);
            equal(new int[]{2, 3, 2}, fixed, "createDims keeps fixed dimensions");
            CartComm grid = w.createCart(dims, new boolean[]{true, false}, false);
            equal(MPI.CART, grid.getTopology(), "topology");
            CartParms p = grid.getTopo();
            equal(2, p.getDimCount(), "dimensions");
            int[] c = grid.getCoords(grid.getRank());
            equal(c[0], p.getCoord(0), "coords agree");
            equal(grid.getRank(), grid.getRank(c), "rank of my coords");
            equal(me, grid.getRank(), "no reordering");
            // periodic shift along dimension 0: neighbours exchange ranks
            ShiftParms s = grid.shift(0, 1);
            int[] got = new int[1];
            grid.sendRecv(new int[]{me}, 1, MPI.INT, s.getRankDest(), 0, got, 1, MPI.INT, s.getRankSource(), 0);
            equal(s.getRankSource(), got[0], "periodic shift");
            // non-periodic dimension 1: PROC_NULL at the edges
            ShiftParms e = grid.shift(1, 1);
            if (c[1] == dims[1] - 1) equal(MPI.PROC_NULL, e.getRankDest(), "edge has no east neighbour");
            if (c[1] == 0) equal(MPI.PROC_NULL, e.getRankSource(), "edge has no west neighbour");
            int[] v = {-1};
            grid.sendRecv(new int[]{me}, 1, MPI.INT, e.getRankDest(), 1, v, 1, MPI.INT, e.getRankSource(), 1);
            if (c[1] == 0) equal(-1, v[0], "receive from PROC_NULL leaves the buffer");
            else equal(grid.getRank(new int[]{c[0], c[1] - 1}), v[0], "east shift");
            // rows: keep dimension 1
            CartComm row = grid.sub(new boolean[]{false, true});
            equal(dims[1], row.getSize(), "row size");
            int[] rowSum = new int[1];
            row.allReduce(new int[]{c[1]}, rowSum, 1, MPI.INT, MPI.SUM);
            equal(dims[1] * (dims[1] - 1) / 2, rowSum[0], "row allReduce");
            // a grid smaller than the world: the rest get a null communicator
            CartComm line = w.createCart(new int[]{n - 1}, new boolean[]{false}, false);
            check(me == n - 1 ? line.isNull() : !line.isNull(), "ranks outside the grid get a null communicator");
            w.setErrhandler(MPI.ERRORS_RETURN);
            try {
                w.createCart(new int[]{n + 1}, new boolean[]{false}, false);
                throw new AssertionError("a grid larger than the communicator must fail");
            } catch (MPIException ex) {
                equal(MPI.ERR_DIMS, ex.getErrorClass(), "grid too large");
            }
            MPI.Finalize();
        }
    }
}
