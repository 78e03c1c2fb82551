package dev.river.mpi;

import mpi.DoubleInt;
import mpi.Int2;
import mpi.Intracomm;
import mpi.MPI;
import mpi.MPIException;
import mpi.Op;
import mpi.Request;
import mpi.UserFunction;
import mpi.Datatype;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;

import static dev.river.mpi.MpiTesting.check;
import static dev.river.mpi.MpiTesting.equal;

/**
 * Every collective, blocking and non-blocking, with and without MPI_IN_PLACE, on 2, 3, 4 and 5 ranks
 * (powers of two and not) over two engines. The programs compute the expected result locally and
 * check it.
 */
class MpiCollectivesTest extends OnTwoEngines {
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5})
    void barrierBcastReduceAllReduceScan(int np) {
        MpiTesting.ok(cluster, np, Reductions.class);
    }

    public static class Reductions {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            Intracomm w = MPI.COMM_WORLD;
            int me = w.getRank(), n = w.getSize();
            for (int i = 0; i < 3; i++) w.barrier();
            // bcast from every root, arrays and a direct buffer
            for (int root = 0; root < n; root++) {
                int[] v = me == root ? new int[]{root, root * 2, root * 3} : new int[3];
                w.bcast(v, 3, MPI.INT, root);
                equal(new int[]{root, root * 2, root * 3}, v, "bcast from " + root);
            }
            // a large bcast (several chunks on the way)
            double[] big0 = new double[150_000];
            if (me == n / 2) for (int i = 0; i < big0.length; i++) big0[i] = i * 0.5;
            w.bcast(big0, big0.length, MPI.DOUBLE, n / 2);
            for (int i = 0; i < big0.length; i += 997) equal(i * 0.5, big0[i], "large bcast at " + i);
            DoubleBuffer db = MPI.newDoubleBuffer(4);
            if (me == n - 1) for (int i = 0; i < 4; i++) db.put(i, i + 0.5);
            w.bcast(db, 4, MPI.DOUBLE, n - 1);
            equal(3.5, db.get(3), "bcast direct buffer");
            // reduce with every predefined arithmetic op, to every root
            int sum = 0, prod = 1;
            for (int r = 0; r < n; r++) {
                sum += r + 1;
                prod *= r + 1;
            }
            for (int root = 0; root < n; root++) {
                int[] in = {me + 1, me + 1, me + 1, me + 1}, out = new int[4];
                w.reduce(in, out, 1, MPI.INT, MPI.SUM, root);
                w.reduce(MPI.slice(in, 1), MPI.slice(out, 1), 1, MPI.INT, MPI.PROD, root);
                w.reduce(MPI.slice(in, 2), MPI.slice(out, 2), 1, MPI.INT, MPI.MAX, root);
                w.reduce(MPI.slice(in, 3), MPI.slice(out, 3), 1, MPI.INT, MPI.MIN, root);
                if (me == root) equal(new int[]{sum, prod, n, 1}, out, "reduce to " + root);
            }
            // reduce in place (Open MPI's overload and MPI.IN_PLACE)
            double[] d = {me, 2.0 * me};
            w.reduce(d, 2, MPI.DOUBLE, MPI.SUM, 0);
            if (me == 0) equal(new double[]{n * (n - 1) / 2.0, n * (n - 1.0)}, d, "reduce in place");
            long[] l = {me};
            long[] lr = new long[1];
            if (me == 1) w.reduce(MPI.IN_PLACE, l, 1, MPI.LONG, MPI.SUM, 1);
            else w.reduce(l, lr, 1, MPI.LONG, MPI.SUM, 1);
            if (me == 1) equal((long) n * (n - 1) / 2, l[0], "reduce with MPI.IN_PLACE");
            // allReduce: logical and bitwise ops, all types; in place
            boolean[] flags = {me == 0, true, me % 2 == 0}, fout = new boolean[3];
            w.allReduce(flags, fout, 1, MPI.BOOLEAN, MPI.LOR);
            w.allReduce(MPI.slice(new int[0], 0), MPI.slice(new int[0], 0), 0, MPI.INT, MPI.SUM);
            boolean[] land = new boolean[1], lxor = new boolean[1];
            w.allReduce(new boolean[]{flags[1]}, land, 1, MPI.BOOLEAN, MPI.LAND);
            w.allReduce(new boolean[]{flags[0]}, lxor, 1, MPI.BOOLEAN, MPI.LXOR);
            check(fout[0] && land[0] && lxor[0], "boolean LOR/LAND/LXOR");
            int[] bits = {1 << me}, bor = new int[1], band = new int[1], bxor = new int[1];
            w.allReduce(bits, bor, 1, MPI.INT, MPI.BOR);
            w.allReduce(new int[]{~0 ^ (1 << me)}, band, 1, MPI.INT, MPI.BAND);
            w.allReduce(new int[]{3}, bxor, 1, MPI.INT, MPI.BXOR);
            equal((1 << n) - 1, bor[0], "BOR");
            equal(~((1 << n) - 1), band[0], "BAND");
            equal(n % 2 == 1 ? 3 : 0, bxor[0], "BXOR");
            float[] f = {me + 0.5f};
            w.allReduce(f, 1, MPI.FLOAT, MPI.MAX);
            equal(n - 0.5f, f[0], "allReduce in place MAX");
            short[] sh = {(short) (me + 1)}, shr = new short[1];
            w.allReduce(sh, shr, 1, MPI.SHORT, MPI.PROD);
            equal((short) prod, shr[0], "SHORT PROD");
            byte[] by = {(byte) me}, byr = new byte[1];
            w.allReduce(by, byr, 1, MPI.BYTE, MPI.SUM);
            equal((byte) (n * (n - 1) / 2), byr[0], "BYTE SUM");
            // a large allReduce (ring algorithm), checked element by element
            int big = 40_000;
            double[] x = new double[big], y = new double[big];
            for (int i = 0; i < big; i++) x[i] = me * 1000.0 + i;
            w.allReduce(x, y, big, MPI.DOUBLE, MPI.SUM);
            for (int i = 0; i < big; i++) {
                double want = 1000.0 * n * (n - 1) / 2 + (double) n * i;
                if (y[i] != want) throw new AssertionError("big allReduce at " + i + ": " + y[i] + " != " + want);
            }
            w.allReduce(MPI.IN_PLACE, x, big, MPI.DOUBLE, MPI.MIN);
            equal(0.0, x[0], "big allReduce in place");
            // scan and exScan, also in place
            int[] sc = new int[1], ex = {-7};
            w.scan(new int[]{me + 1}, sc, 1, MPI.INT, MPI.SUM);
            equal((me + 1) * (me + 2) / 2, sc[0], "scan");
            w.exScan(new int[]{me + 1}, ex, 1, MPI.INT, MPI.SUM);
            equal(me == 0 ? -7 : me * (me + 1) / 2, ex[0], "exScan (rank 0 untouched)");
            long[] scl = {me + 1};
            w.scan(scl, 1, MPI.LONG, MPI.PROD);
            long fact = 1;
            for (int r = 1; r <= me + 1; r++) fact *= r;
            equal(fact, scl[0], "scan in place");
            int[] exIn = {2};
            w.exScan(exIn, 1, MPI.INT, MPI.SUM);
            if (me > 0) equal(2 * me, exIn[0], "exScan in place");
            System.out.println("ok");
            MPI.Finalize();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5})
    void gatherScatterAllGatherAllToAll(int np) {
        MpiTesting.ok(cluster, np, Movement.class);
    }

    public static class Movement {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            Intracomm w = MPI.COMM_WORLD;
            int me = w.getRank(), n = w.getSize();
            for (int root = 0; root < n; root++) {
                // gather: two ints per rank
                int[] all = new int[2 * n];
                w.gather(new int[]{me, -me}, 2, MPI.INT, all, 2, MPI.INT, root);
                if (me == root) for (int r = 0; r < n; r++) equal(new int[]{r, -r}, new int[]{all[2 * r], all[2 * r + 1]}, "gather block " + r);
                // gather in place
                int[] buf = new int[2 * n];
                buf[2 * me] = me * 10;
                buf[2 * me + 1] = me * 10 + 1;
                if (me == root) w.gather(buf, 2, MPI.INT, root);
                else w.gather(MPI.slice(buf, 2 * me), 2, MPI.INT, root);
                if (me == root) for (int r = 0; r < n; r++) equal(r * 10 + 1, buf[2 * r + 1], "gather in place " + r);
                // scatter: block r of the root's buffer to rank r
                double[] src = new double[3 * n];
                for (int i = 0; i < src.length; i++) src[i] = me == root ? i : -1;
                double[] mine = new double[3];
                w.scatter(src, 3, MPI.DOUBLE, mine, 3, MPI.DOUBLE, root);
                equal(new double[]{3 * me, 3 * me + 1, 3 * me + 2}, mine, "scatter from " + root);
                // scatter in place: the root keeps its block where it is
                double[] sbuf = new double[3 * n];
                if (me == root) for (int i = 0; i < sbuf.length; i++) sbuf[i] = 100 + i;
                if (me == root) w.scatter(sbuf, 3, MPI.DOUBLE, root);
                else w.scatter(sbuf, 3, MPI.DOUBLE, root);
                if (me != root) equal(100.0 + 3 * me, sbuf[0], "scatter in place");
                // gatherv / scatterv: rank r contributes r + 1 ints, with a hole before each block
                int[] counts = new int[n], displs = new int[n];
                int at = 0;
                for (int r = 0; r < n; r++) {
                    counts[r] = r + 1;
                    displs[r] = at + 1;                 // leave a hole before each block
                    at += r + 2;
                }
                int[] vbuf = new int[at];
                int[] contrib = new int[me + 1];
                Arrays.fill(contrib, me + 7);
                w.gatherv(contrib, me + 1, MPI.INT, vbuf, counts, displs, MPI.INT, root);
                if (me == root) {
                    for (int r = 0; r < n; r++) {
                        equal(0, vbuf[displs[r] - 1], "gatherv hole " + r);
                        for (int k = 0; k < counts[r]; k++) equal(r + 7, vbuf[displs[r] + k], "gatherv " + r);
                    }
                }
                int[] back = new int[me + 1];
                w.scatterv(vbuf, counts, displs, MPI.INT, back, me + 1, MPI.INT, root);
                equal(contrib, back, "scatterv from " + root + " returns what gatherv collected");
            }
            // gatherv in place at the root, then scatterv back in place
            int[] counts = new int[n], displs = new int[n];
            for (int r = 0; r < n; r++) {
                counts[r] = 2;
                displs[r] = 2 * (n - 1 - r);        // reversed placement
            }
            int[] gv = new int[2 * n];
            if (me == 0) {
                gv[displs[0]] = 5;
                gv[displs[0] + 1] = 6;
                w.gatherv(gv, counts, displs, MPI.INT, 0);
                for (int r = 0; r < n; r++) equal(r + 5, gv[displs[r]], "gatherv in place " + r);
                for (int r = 0; r < n; r++) gv[displs[r] + 1] = r * 11;
                w.scatterv(gv, counts, displs, MPI.INT, 0);
            } else {
                w.gatherv(new int[]{me + 5, 0}, 2, MPI.INT, 0);
                int[] got = new int[2];
                w.scatterv(got, 2, MPI.INT, 0);
                equal(me * 11, got[1], "scatterv in place, non-root");
            }
            // allGather (small: Bruck) and large (ring), and in place
            int[] ag = new int[n];
            w.allGather(new int[]{me * me}, 1, MPI.INT, ag, 1, MPI.INT);
            for (int r = 0; r < n; r++) equal(r * r, ag[r], "allGather " + r);
            int len = 10_000;
            double[] mineBig = new double[len], allBig = new double[len * n];
            Arrays.fill(mineBig, me + 0.25);
            w.allGather(mineBig, len, MPI.DOUBLE, allBig, len, MPI.DOUBLE);
            for (int r = 0; r < n; r++) equal(r + 0.25, allBig[r * len + len - 1], "large allGather " + r);
            long[] agp = new long[n];
            agp[me] = me + 100L;
            w.allGather(agp, 1, MPI.LONG);
            for (int r = 0; r < n; r++) equal(r + 100L, agp[r], "allGather in place " + r);
            // allGatherv with varying counts, and in place
            int[] vc = new int[n], vd = new int[n];
            int total = 0;
            for (int r = 0; r < n; r++) {
                vc[r] = r + 1;
                vd[r] = total;
                total += r + 1;
            }
            int[] agv = new int[total];
            int[] myPart = new int[me + 1];
            Arrays.fill(myPart, me);
            w.allGatherv(myPart, me + 1, MPI.INT, agv, vc, vd, MPI.INT);
            for (int r = 0; r < n; r++) for (int k = 0; k < vc[r]; k++) equal(r, agv[vd[r] + k], "allGatherv");
            int[] agvp = new int[total];
            for (int k = 0; k < me + 1; k++) agvp[vd[me] + k] = -me;
            w.allGatherv(agvp, vc, vd, MPI.INT);
            for (int r = 0; r < n; r++) equal(-r, agvp[vd[r] + vc[r] - 1], "allGatherv in place");
            // allToAll: block j from rank i holds i*100 + j
            int[] a2a = new int[2 * n], r2a = new int[2 * n];
            for (int j = 0; j < n; j++) {
                a2a[2 * j] = me * 100 + j;
                a2a[2 * j + 1] = -(me * 100 + j);
            }
            w.allToAll(a2a, 2, MPI.INT, r2a, 2, MPI.INT);
            for (int i = 0; i < n; i++) equal(i * 100 + me, r2a[2 * i], "allToAll from " + i);
            // allToAllv: rank i sends j + 1 items to rank j
            int[] sc = new int[n], sd = new int[n], rc = new int[n], rd = new int[n];
            int so = 0, ro = 0;
            for (int j = 0; j < n; j++) {
                sc[j] = j + 1;
                sd[j] = so;
                so += j + 1;
                rc[j] = me + 1;
                rd[j] = ro;
                ro += me + 1;
            }
            double[] sv = new double[so], rv = new double[ro];
            for (int j = 0; j < n; j++) for (int k = 0; k < sc[j]; k++) sv[sd[j] + k] = me * 10 + j;
            w.allToAllv(sv, sc, sd, MPI.DOUBLE, rv, rc, rd, MPI.DOUBLE);
            for (int i = 0; i < n; i++) for (int k = 0; k < rc[i]; k++) equal(i * 10.0 + me, rv[rd[i] + k], "allToAllv from " + i);
            // reduceScatter and reduceScatterBlock, also in place
            int[] rsc = new int[n];
            int tot = 0;
            for (int r = 0; r < n; r++) {
                rsc[r] = r + 1;
                tot += r + 1;
            }
            int[] vec = new int[tot];
            for (int i = 0; i < tot; i++) vec[i] = i + me;
            int[] part = new int[me + 1];
            w.reduceScatter(vec, part, rsc, MPI.INT, MPI.SUM);
            int first = me * (me + 1) / 2;
            for (int k = 0; k <= me; k++) equal(n * (first + k) + n * (n - 1) / 2, part[k], "reduceScatter " + k);
            w.reduceScatter(vec, rsc, MPI.INT, MPI.SUM);
            equal(n * first + n * (n - 1) / 2, vec[0], "reduceScatter in place");
            int[] blk = new int[2 * n], rb = new int[2];
            for (int i = 0; i < 2 * n; i++) blk[i] = i;
            w.reduceScatterBlock(blk, rb, 2, MPI.INT, MPI.MAX);
            equal(new int[]{2 * me, 2 * me + 1}, rb, "reduceScatterBlock");
            w.reduceScatterBlock(blk, 2, MPI.INT, MPI.SUM);
            equal(new int[]{n * 2 * me, n * (2 * me + 1)}, new int[]{blk[0], blk[1]}, "reduceScatterBlock in place");
            MPI.Finalize();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void userOpsLocOpsAndNonBlockingCollectives(int np) {
        MpiTesting.ok(cluster, np, Special.class);
    }

    public static class Special {
        /** A non-commutative operator: 2x2 integer matrix product (matrices as 4 ints). */
        static final class MatMul extends UserFunction {
            @Override public void call(Object inVec, Object inOutVec, int count, Datatype datatype) {
                int[] a = (int[]) inVec, b = (int[]) inOutVec;
                for (int k = 0; k < count; k++) {
                    int o = 4 * k;
                    int[] c = {a[o] * b[o] + a[o + 1] * b[o + 2], a[o] * b[o + 1] + a[o + 1] * b[o + 3],
                            a[o + 2] * b[o] + a[o + 3] * b[o + 2], a[o + 2] * b[o + 1] + a[o + 3] * b[o + 3]};
                    System.arraycopy(c, 0, b, o, 4);
                }
            }
        }

        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            Intracomm w = MPI.COMM_WORLD;
            int me = w.getRank(), n = w.getSize();
            // a non-commutative user op: the product must be M0 * M1 * ... * Mn-1, in rank order
            Datatype mat = Datatype.createContiguous(4, MPI.INT);
            mat.commit();
            Op mul = new Op(new MatMul(), false);
            check(!mul.isCommutative(), "isCommutative");
            int[] m = {1, me + 1, 0, 1};                       // upper triangular: products add the off-diagonal
            int[] prodAll = new int[4], prodRoot = new int[4], prefix = new int[4];
            w.allReduce(m, prodAll, 1, mat, mul);
            int expected = 0;
            for (int r = 0; r < n; r++) expected += r + 1;
            equal(new int[]{1, expected, 0, 1}, prodAll, "non-commutative allReduce");
            w.reduce(m, prodRoot, 1, mat, mul, n - 1);
            if (me == n - 1) equal(new int[]{1, expected, 0, 1}, prodRoot, "non-commutative reduce to the last rank");
            // a sharper order check: mixing a permutation-like op; product of [[1,a],[0,2]] matrices is order-sensitive
            int[] mm = {1, me + 1, 0, 2}, got = new int[4];
            w.allReduce(mm, got, 1, mat, mul);
            int[] want = {1, 0, 0, 1};
            for (int r = 0; r < n; r++) {
                int[] b = {1, r + 1, 0, 2};
                want = new int[]{want[0] * b[0] + want[1] * b[2], want[0] * b[1] + want[1] * b[3], want[2] * b[0] + want[3] * b[2],
                        want[2] * b[1] + want[3] * b[3]};
            }
            equal(want, got, "order-sensitive allReduce");
            int[] sc = new int[4];
            w.scan(mm, sc, 1, mat, mul);
            int[] pw = {1, 0, 0, 1};
            for (int r = 0; r <= me; r++) {
                int[] b = {1, r + 1, 0, 2};
                pw = new int[]{pw[0] * b[0] + pw[1] * b[2], pw[0] * b[1] + pw[1] * b[3], pw[2] * b[0] + pw[3] * b[2], pw[2] * b[1] + pw[3] * b[3]};
            }
            equal(pw, sc, "order-sensitive scan");
            // MAXLOC / MINLOC with DOUBLE_INT and INT2
            DoubleInt di = MPI.doubleInt;
            ByteBuffer in = MPI.newByteBuffer(di.getExtent() * 2), out = MPI.newByteBuffer(di.getExtent() * 2);
            DoubleInt.Data d0 = di.getData(in, 0), d1 = di.getData(in, 1);
            d0.putValue(me == n / 2 ? 99.5 : me);             // max at rank n/2
            d0.putIndex(me);
            d1.putValue(5.0);                                 // a tie everywhere: the smallest index wins
            d1.putIndex(me + 10);
            w.allReduce(in, out, 2, MPI.DOUBLE_INT, MPI.MAXLOC);
            DoubleInt.Data r0 = di.getData(out, 0), r1 = di.getData(out, 1);
            equal(99.5, r0.getValue(), "MAXLOC value");
            equal(n / 2, r0.getIndex(), "MAXLOC index");
            equal(10, r1.getIndex(), "MAXLOC tie takes the smallest index");
            Int2 i2 = MPI.int2;
            ByteBuffer ii = MPI.newByteBuffer(i2.getExtent()), io = MPI.newByteBuffer(i2.getExtent());
            Int2.Data id = i2.getData(ii);
            id.putValue(100 - me);
            id.putIndex(me);
            w.reduce(ii, io, 1, MPI.INT2, MPI.MINLOC, 0);
            if (me == 0) {
                Int2.Data res = i2.getData(io);
                equal(100 - (n - 1), res.getValue(), "MINLOC value");
                equal(n - 1, res.getIndex(), "MINLOC index");
            }
            // non-blocking collectives, several outstanding at once
            IntBuffer bc = MPI.newIntBuffer(2);
            if (me == 0) {
                bc.put(0, 7);
                bc.put(1, 8);
            }
            DoubleBuffer ar = MPI.newDoubleBuffer(1), arOut = MPI.newDoubleBuffer(1);
            ar.put(0, me);
            IntBuffer agIn = MPI.newIntBuffer(1), agOut = MPI.newIntBuffer(n);
            agIn.put(0, me * 3);
            Request[] rs = {w.iBcast(bc, 2, MPI.INT, 0), w.iAllReduce(ar, arOut, 1, MPI.DOUBLE, MPI.SUM),
                    w.iAllGather(agIn, 1, MPI.INT, agOut, 1, MPI.INT), w.iBarrier()};
            Request.waitAll(rs);
            equal(8, bc.get(1), "iBcast");
            equal(n * (n - 1) / 2.0, arOut.get(0), "iAllReduce");
            for (int r = 0; r < n; r++) equal(r * 3, agOut.get(r), "iAllGather " + r);
            IntBuffer gIn = MPI.newIntBuffer(1), gOut = MPI.newIntBuffer(n), sOut = MPI.newIntBuffer(1);
            gIn.put(0, me + 1);
            Request g = w.iGather(gIn, 1, MPI.INT, gOut, 1, MPI.INT, n - 1);
            Request s = w.iScatter(gOut, 1, MPI.INT, sOut, 1, MPI.INT, n - 1);   // starts after the gather, in order
            g.waitFor();
            s.waitFor();
            equal(me + 1, sOut.get(0), "iGather then iScatter");
            IntBuffer scIn = MPI.newIntBuffer(1), scOut = MPI.newIntBuffer(1), rsOut = MPI.newIntBuffer(1), aaIn = MPI.newIntBuffer(n), aaOut = MPI.newIntBuffer(n);
            scIn.put(0, 1);
            for (int j = 0; j < n; j++) aaIn.put(j, me * n + j);
            IntBuffer rsIn = MPI.newIntBuffer(n);
            for (int j = 0; j < n; j++) rsIn.put(j, j);
            Request[] more = {w.iScan(scIn, scOut, 1, MPI.INT, MPI.SUM), w.iExScan(scIn, MPI.newIntBuffer(1), 1, MPI.INT, MPI.SUM),
                    w.iReduceScatterBlock(rsIn, rsOut, 1, MPI.INT, MPI.SUM), w.iAllToAll(aaIn, 1, MPI.INT, aaOut, 1, MPI.INT),
                    w.iReduce(scIn, MPI.newIntBuffer(1), 1, MPI.INT, MPI.SUM, 0)};
            while (!Request.testAll(more)) Thread.onSpinWait();
            equal(me + 1, scOut.get(0), "iScan");
            equal(n * me, rsOut.get(0), "iReduceScatterBlock");
            for (int i = 0; i < n; i++) equal(i * n + me, aaOut.get(i), "iAllToAll " + i);
            // reduceLocal
            int[] a = {1, 2}, b = {10, 20};
            Intracomm.reduceLocal(a, b, 2, MPI.INT, MPI.SUM);
            equal(new int[]{11, 22}, b, "reduceLocal");
            MPI.Finalize();
        }
    }
}
