package dev.river.mpi;

import mpi.Datatype;
import mpi.DoubleComplex;
import mpi.FloatComplex;
import mpi.Intracomm;
import mpi.MPI;
import mpi.MPIException;
import mpi.Message;
import mpi.Request;
import mpi.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;

import static dev.river.mpi.MpiTesting.check;
import static dev.river.mpi.MpiTesting.equal;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parts of the Open MPI Java API added for issue 17, each checked against the MPI standard's
 * rules by real ranks on two engines: matched probes ({@link Message}), allToAllw, complex datatypes
 * in messages and reductions, Status counts of derived types and partial receives, and requests of
 * different kinds completed together, with ready-mode sends.
 */
class MpiMatchedProbeAndTypesTest extends OnTwoEngines {
    @Test
    void matchedProbeTakesTheMessageAndReceivesItOnce() {
        Mpirun.Result r = MpiTesting.ok(cluster, 2, MatchedProbe.class);
        assertTrue(r.lines(0).contains("mprobe ok"), r.text());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void allToAllwMovesEveryBlockWithItsOwnTypeAndByteDisplacement(int np) {
        Mpirun.Result r = MpiTesting.ok(cluster, np, AllToAllW.class);
        for (int rank = 0; rank < np; rank++) assertTrue(r.lines(rank).contains("alltoallw ok"), r.text());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void complexNumbersTravelAndReduce(int np) {
        Mpirun.Result r = MpiTesting.ok(cluster, np, Complex.class);
        for (int rank = 0; rank < np; rank++) assertTrue(r.lines(rank).contains("complex ok"), r.text());
    }

    @Test
    void statusCountsElementsOfDerivedTypesAndPartialItems() {
        Mpirun.Result r = MpiTesting.ok(cluster, 2, Counts.class);
        assertTrue(r.lines(0).contains("counts ok"), r.text());
    }

    @Test
    void testAllSpinningOverASendAndAReceiveMakesProgress() {
        Mpirun.Result r = MpiTesting.ok(cluster, 2, TestAllSpin.class);
        for (int rank = 0; rank < 2; rank++) assertTrue(r.lines(rank).contains("testAll ok"), r.text());
    }

    @Test
    void detachBufferWaitsForBufferedSendsAndReturnsTheBuffer() {
        Mpirun.Result r = MpiTesting.ok(cluster, 2, DetachAfterIbSend.class);
        for (int rank = 0; rank < 2; rank++) assertTrue(r.lines(rank).contains("detach ok"), r.text());
    }

    @Test
    void readySendOfAnIntArrayAsCharsMovesItsMemoryAndSmallBufferedSendsNeedNoBuffer() {
        Mpirun.Result r = MpiTesting.ok(cluster, 2, ReinterpretAndUnbuffered.class);
        for (int rank = 0; rank < 2; rank++) assertTrue(r.lines(rank).contains("reinterpret ok"), r.text());
    }

    @Test
    void requestsOfDifferentKindsCompleteTogether() {
        Mpirun.Result r = MpiTesting.ok(cluster, 2, MixedRequests.class);
        for (int rank = 0; rank < 2; rank++) assertTrue(r.lines(rank).contains("requests ok"), r.text());
    }

    /** Rank 1 sends three messages; rank 0 takes them with matched probes, in an order of its choosing. */
    public static class MatchedProbe {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            Intracomm w = MPI.COMM_WORLD;
            if (w.getRank() == 1) {
                w.send(new int[]{7, 8, 9}, 3, MPI.INT, 0, 5);
                w.send(new double[]{1.5, 2.5}, 2, MPI.DOUBLE, 0, 6);
                w.sSend(new int[]{42}, 1, MPI.INT, 0, 7);
            } else {
                Message m = new Message();
                check(m.isNull() && !m.isNoProc(), "a new Message is MESSAGE_NULL");
                Status s = m.mProbe(1, 7, w);            // the last one first: the synchronous send waits for it
                equal(1, s.getSource(), "source");
                equal(7, s.getTag(), "tag");
                equal(1, s.getCount(MPI.INT), "count of the probed message");
                check(!m.isNull(), "a probed Message holds the message");
                check(w.iProbe(1, 7) == null, "a matched message is out of matching");
                int[] one = new int[1];
                s = m.mRecv(one, 1, MPI.INT);
                equal(42, one[0], "mRecv data");
                equal(7, s.getTag(), "mRecv tag");
                check(m.isNull(), "a received Message is null again");

                Message any = new Message();
                Status t = null;
                while (t == null) t = any.imProbe(MPI.ANY_SOURCE, 6, w);
                equal(2, t.getCount(MPI.DOUBLE), "imProbe count");
                DoubleBuffer d = MPI.newDoubleBuffer(2);
                Request req = any.imRecv(d, 2, MPI.DOUBLE);
                Status ds = req.waitStatus();
                equal(1.5, d.get(0), "imRecv data 0");
                equal(2.5, d.get(1), "imRecv data 1");
                equal(2, ds.getCount(MPI.DOUBLE), "imRecv count");
                check(new Message().imProbe(1, 99, w) == null, "imProbe of nothing is null");

                Message rest = new Message();
                s = rest.mProbe(MPI.ANY_SOURCE, MPI.ANY_TAG, w);
                equal(5, s.getTag(), "the remaining message");
                int[] three = new int[3];
                rest.mRecv(three, 3, MPI.INT);
                equal(new int[]{7, 8, 9}, three, "mRecv of the first message");

                Message none = new Message();
                Status ns = none.mProbe(MPI.PROC_NULL, 3, w);
                check(none.isNoProc(), "probing PROC_NULL gives MESSAGE_NO_PROC");
                equal(MPI.PROC_NULL, ns.getSource(), "PROC_NULL probe source");
                ns = none.mRecv(three, 3, MPI.INT);
                equal(MPI.PROC_NULL, ns.getSource(), "NO_PROC receive source");
                equal(MPI.ANY_TAG, ns.getTag(), "NO_PROC receive tag");
                equal(0, ns.getCount(MPI.INT), "NO_PROC receive count");
                check(none.isNull(), "a received NO_PROC message is null");

                w.setErrhandler(MPI.ERRORS_RETURN);
                boolean refused = false;
                try {
                    none.mRecv(three, 3, MPI.INT);
                } catch (MPIException e) {
                    refused = e.getMessage().contains("MPI_MESSAGE_NULL");
                }
                check(refused, "receiving a null Message is an error that names it");
                System.out.println("mprobe ok");
            }
            MPI.Finalize();
        }
    }

    /**
     * Rank r sends j+1 ints to rank j (values r*1000 + j*10 + k) taken from byte displacement 4*j*(j+1)/2,
     * and receives r+1 ints from each rank i at byte displacement 4*i*(r+1); the blocking and the
     * non-blocking form must agree.
     */
    public static class AllToAllW {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            Intracomm w = MPI.COMM_WORLD;
            int me = w.getRank(), p = w.getSize();
            int[] sc = new int[p], sd = new int[p], rc = new int[p], rd = new int[p];
            Datatype[] st = new Datatype[p], rt = new Datatype[p];
            IntBuffer send = MPI.newIntBuffer(p * p + p);
            for (int j = 0; j < p; j++) {
                sc[j] = j + 1;
                sd[j] = 4 * (j * (j + 1) / 2);
                rc[j] = me + 1;
                rd[j] = 4 * j * (me + 1);
                st[j] = MPI.INT;
                rt[j] = MPI.INT;
                for (int k = 0; k <= j; k++) send.put(sd[j] / 4 + k, me * 1000 + j * 10 + k);
            }
            for (int round = 0; round < 2; round++) {
                IntBuffer recv = MPI.newIntBuffer(p * (me + 1));
                if (round == 0) w.allToAllw(send, sc, sd, st, recv, rc, rd, rt);
                else w.iAllToAllw(send, sc, sd, st, recv, rc, rd, rt).waitFor();
                for (int i = 0; i < p; i++) {
                    for (int k = 0; k <= me; k++) {
                        equal(i * 1000 + me * 10 + k, recv.get(rd[i] / 4 + k), "round " + round + ": item " + k + " from rank " + i);
                    }
                }
            }
            System.out.println("alltoallw ok");
            MPI.Finalize();
        }
    }

    /** Complex numbers: point to point (count and elements count complex numbers), SUM and PROD reductions. */
    public static class Complex {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            Intracomm w = MPI.COMM_WORLD;
            int me = w.getRank(), p = w.getSize(), next = (me + 1) % p, prev = (me - 1 + p) % p;
            double[] out = {me, -me, me + 0.5, 2}, in = new double[4];
            Status s = w.sendRecv(out, 2, MPI.C_DOUBLE_COMPLEX, next, 1, in, 2, MPI.C_DOUBLE_COMPLEX, prev, 1);
            equal(2, s.getCount(MPI.C_DOUBLE_COMPLEX), "count of complex numbers");
            equal(2, s.getElements(MPI.DOUBLE_COMPLEX), "a complex number is one element");
            equal(4, s.getCount(MPI.DOUBLE), "the same bytes as doubles");
            equal(new double[]{prev, -prev, prev + 0.5, 2}, in, "complex data");

            // sum of (r + i) over ranks, product of (1 + r i) over ranks
            double[] z = {me, 1}, sum = new double[2];
            w.allReduce(z, sum, 1, MPI.DOUBLE_COMPLEX, MPI.SUM);
            equal(p * (p - 1) / 2.0, sum[0], "complex sum, real part");
            equal((double) p, sum[1], "complex sum, imaginary part");
            double re = 1, im = 0;
            for (int r = 0; r < p; r++) {
                double nr = re * 1 - im * r, ni = re * r + im * 1;
                re = nr;
                im = ni;
            }
            float[] f = new float[2], prod = new float[2];
            FloatComplex fc = FloatComplex.get(f);
            fc.putReal(1);
            fc.putImag(me);
            w.allReduce(f, prod, 1, MPI.FLOAT_COMPLEX, MPI.PROD);
            FloatComplex pc = FloatComplex.get(prod);
            equal((float) re, pc.getReal(), "complex product, real part");
            equal((float) im, pc.getImag(), "complex product, imaginary part");
            DoubleComplex dc = DoubleComplex.get(sum);
            equal(sum[1], dc.getImag(), "DoubleComplex views the array");

            w.setErrhandler(MPI.ERRORS_RETURN);
            boolean refused = false;
            try {
                mpi.Comm.reduceLocal(z, new double[2], 1, MPI.DOUBLE_COMPLEX, MPI.MAX);
            } catch (MPIException e) {
                refused = true;
            }
            check(refused, "MAX of complex numbers is refused");
            System.out.println("complex ok");
            MPI.Finalize();
        }
    }

    /**
     * MPI_GET_COUNT and MPI_GET_ELEMENTS on a derived type of two (double, int) structs: 12 packed bytes
     * and 2 elements per struct, 24 bytes and 4 elements per item. Messages of raw bytes end inside
     * items and inside elements.
     */
    public static class Counts {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            Intracomm w = MPI.COMM_WORLD;
            if (w.getRank() == 0) {
                Datatype di = Datatype.createStruct(new int[]{1, 1}, new int[]{0, 8}, new Datatype[]{MPI.DOUBLE, MPI.INT});
                Datatype two = Datatype.createContiguous(2, di);
                two.commit();
                ByteBuffer out = MPI.newByteBuffer(96), in = MPI.newByteBuffer(96);
                int[][] cases = {  // bytes sent, count, elements
                        {48, 2, 8}, {36, MPI.UNDEFINED, 6}, {32, MPI.UNDEFINED, 5}, {30, MPI.UNDEFINED, MPI.UNDEFINED}, {0, 0, 0}};
                for (int[] c : cases) {
                    Status s = w.sendRecv(out, c[0], MPI.BYTE, 0, 1, in, 3, two, 0, 1);
                    equal(c[1], s.getCount(two), c[0] + " bytes: count");
                    equal(c[2], s.getElements(two), c[0] + " bytes: elements");
                    equal(c[0], s.getCount(MPI.BYTE), c[0] + " bytes: count in bytes");
                }
                Datatype column = Datatype.createVector(3, 1, 4, MPI.INT);
                column.commit();
                int[] grid = new int[18];            // two columns: extent 9 ints each
                Status s = w.sendRecv(new int[]{1, 2, 3, 4, 5}, 5, MPI.INT, 0, 2, grid, 2, column, 0, 2);
                equal(MPI.UNDEFINED, s.getCount(column), "5 ints of 3-int columns: count");
                equal(5, s.getElements(column), "5 ints of 3-int columns: elements");
                equal(new int[]{1, 2, 3, 4, 5, 0}, new int[]{grid[0], grid[4], grid[8], grid[9], grid[13], grid[17]},
                        "a partial second column lands in place");
                byte[] packed = new byte[64];
                int pos = w.pack(new int[]{10, 20, 30}, 3, MPI.INT, packed, 0);
                s = w.sendRecv(packed, pos, MPI.PACKED, 0, 3, new byte[64], 64, MPI.PACKED, 0, 3);
                equal(12, s.getCount(MPI.PACKED), "packed count");
                equal(3, s.getCount(MPI.INT), "packed ints");
                System.out.println("counts ok");
            }
            MPI.Finalize();
        }
    }

    /**
     * Point-to-point requests in every send mode and a non-blocking collective, completed by one
     * waitAll and by a waitAny loop; ready-mode sends go to receives posted before a barrier.
     */
    public static class MixedRequests {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            Intracomm w = MPI.COMM_WORLD;
            int me = w.getRank(), other = 1 - me;
            IntBuffer out = MPI.newIntBuffer(4), in = MPI.newIntBuffer(4);
            for (int i = 0; i < 4; i++) out.put(i, me * 10 + i);
            MPI.attachBuffer(new byte[64 + MPI.BSEND_OVERHEAD]);
            Request[] rs = new Request[7];
            rs[0] = w.iRecv(MPI.slice(in, 0), 1, MPI.INT, other, 0);
            rs[1] = w.iRecv(MPI.slice(in, 1), 1, MPI.INT, other, 1);
            rs[2] = w.iRecv(MPI.slice(in, 2), 1, MPI.INT, other, 2);
            rs[3] = w.iRecv(MPI.slice(in, 3), 1, MPI.INT, other, 3);
            w.barrier();                                   // every receive is posted: ready mode is allowed
            rs[4] = w.iSend(MPI.slice(out, 0), 1, MPI.INT, other, 0);
            rs[5] = w.isSend(MPI.slice(out, 1), 1, MPI.INT, other, 1);
            rs[6] = w.iBarrier();
            w.rSend(new int[]{out.get(2)}, 1, MPI.INT, other, 2);
            Request ready = w.irSend(MPI.slice(out, 3), 1, MPI.INT, other, 3);
            Status[] st = Request.waitAllStatus(rs);
            for (int i = 0; i < 4; i++) {
                equal(other * 10 + i, in.get(i), "data " + i);
                equal(4, st[i].getCount(MPI.BYTE), "bytes of receive " + i);
                equal(other, st[i].getSource(), "source of receive " + i);
                equal(i, st[i].getTag(), "tag of receive " + i);
            }
            for (Request r : rs) check(r.isNull(), "a completed request is null");
            ready.waitFor();
            check(ready.isNull(), "irSend completed");
            check(ready.test(), "testing a null request is true");

            // waitAny and testAll over a receive, a buffered send and a non-blocking collective
            Request[] mix = {w.iRecv(MPI.slice(in, 0), 1, MPI.INT, other, 9), w.ibSend(MPI.slice(out, 0), 1, MPI.INT, other, 9),
                    w.iAllReduce(MPI.slice(out, 1), MPI.slice(in, 1), 1, MPI.INT, MPI.SUM)};
            boolean[] seen = new boolean[3];
            for (int k = 0; k < 3; k++) {
                int i = Request.waitAny(mix);
                check(i >= 0 && i < 3 && !seen[i], "waitAny gives each request once, got " + i);
                seen[i] = true;
            }
            equal(MPI.UNDEFINED, Request.waitAny(mix), "waitAny of inactive requests");
            equal(other * 10, in.get(0), "ibSend data");
            equal(12, in.get(1), "iAllReduce sum (1 + 11)");

            // testAll spinning over a send and a receive; detachBuffer after an ibSend waits for it
            Request[] pair = {w.iSend(MPI.slice(out, 2), 1, MPI.INT, other, 10), w.iRecv(MPI.slice(in, 2), 1, MPI.INT, other, 10)};
            while (!Request.testAll(pair)) Thread.onSpinWait();
            equal(other * 10 + 2, in.get(2), "testAll data");
            Request b = w.ibSend(MPI.slice(out, 3), 1, MPI.INT, other, 11);
            check(MPI.detachBuffer().length == 64 + MPI.BSEND_OVERHEAD, "detachBuffer returns the attached buffer");
            b.waitFor();
            w.recv(MPI.slice(in, 3), 1, MPI.INT, other, 11);
            equal(other * 10 + 3, in.get(3), "data of the ibSend before detachBuffer");
            System.out.println("requests ok");
            MPI.Finalize();
        }
    }

    /**
     * Both ranks post a send before the matching receive and spin on testAll, which must make
     * progress on every request (the send completes at once; the receive only once its data is read).
     */
    public static class TestAllSpin {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            Intracomm w = MPI.COMM_WORLD;
            int me = w.getRank(), other = 1 - me;
            for (int round = 0; round < 50; round++) {
                IntBuffer in = MPI.newIntBuffer(1), out = MPI.newIntBuffer(1).put(0, me * 100 + round);
                Request[] reqs = {w.iSend(out, 1, MPI.INT, other, round), w.iRecv(in, 1, MPI.INT, other, round)};
                while (!Request.testAll(reqs)) Thread.onSpinWait();
                equal(other * 100 + round, in.get(0), "round " + round + " data");
                for (Request r : reqs) check(r.isNull(), "testAll made every request null");
            }
            System.out.println("testAll ok");
            MPI.Finalize();
        }
    }

    /**
     * ibSend into the attached buffer, then detachBuffer: it blocks until the buffered message is
     * transmitted and returns the buffer that was attached; the peer receives after a barrier.
     */
    public static class DetachAfterIbSend {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            Intracomm w = MPI.COMM_WORLD;
            int me = w.getRank(), other = 1 - me;
            byte[] space = new byte[4 * 1000 + MPI.BSEND_OVERHEAD];
            MPI.attachBuffer(space);
            int[] out = new int[1000];
            for (int i = 0; i < out.length; i++) out[i] = me * 100_000 + i;
            Request r = w.ibSend(MPI.slice(MPI.newIntBuffer(1000).put(out), 0), 1000, MPI.INT, other, 4);
            r.waitFor();
            check(MPI.detachBuffer() == space, "detachBuffer returns the attached buffer");
            w.barrier();
            int[] in = new int[1000];
            w.recv(in, 1000, MPI.INT, other, 4);
            equal(other * 100_000 + 999, in[999], "buffered data");
            MPI.attachBuffer(space);                      // attachable again after a detach
            w.bSend(out, 1000, MPI.INT, other, 5);
            MPI.detachBuffer();
            w.recv(in, 1000, MPI.INT, other, 5);
            equal(other * 100_000, in[0], "second buffered data");
            System.out.println("detach ok");
            MPI.Finalize();
        }
    }

    /**
     * Open MPI's Rsend test: an int[10] sent as 10 MPI.CHAR is its first 20 bytes, received into an
     * int[] (and a direct IntBuffer) as CHAR too. Then ibSend and bSend with no buffer attached, which
     * Open MPI accepts for small messages; a large one is refused with MPI.ERR_BUFFER.
     */
    public static class ReinterpretAndUnbuffered {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            Intracomm w = MPI.COMM_WORLD;
            int me = w.getRank(), other = 1 - me;
            int[] buf = new int[10];
            if (me == 0) {
                for (int i = 0; i < 10; i++) buf[i] = 0x10001 * (i + 1);
                w.barrier();
                w.rSend(buf, 10, MPI.CHAR, 1, 1);
                w.send(buf, 10, MPI.CHAR, 1, 2);
            } else {
                IntBuffer early = MPI.newIntBuffer(10);
                for (int i = 0; i < 10; i++) early.put(i, -1);
                Request r = w.iRecv(early, 10, MPI.CHAR, 0, 1);
                w.barrier();                                   // posted before the ready send
                Status s = r.waitStatus();
                equal(10, s.getCount(MPI.CHAR), "chars received");
                equal(20, s.getCount(MPI.BYTE), "bytes received");
                for (int i = 0; i < 5; i++) equal(0x10001 * (i + 1), early.get(i), "int " + i + " of the ready send");
                equal(-1, early.get(5), "ints past the 20 bytes are untouched");
                java.util.Arrays.fill(buf, -1);
                w.recv(buf, 10, MPI.CHAR, 0, 2);
                equal(new int[]{0x10001, 0x20002, 0x30003, 0x40004, 0x50005, -1, -1, -1, -1, -1}, buf, "blocking receive as CHAR");
            }
            IntBuffer out = MPI.newIntBuffer(4), in = MPI.newIntBuffer(4);
            for (int i = 0; i < 4; i++) out.put(i, me * 10 + i);
            Request b = w.ibSend(out, 4, MPI.INT, other, 3);
            w.bSend(new int[]{me}, 1, MPI.INT, other, 4);
            w.recv(in, 4, MPI.INT, other, 3);
            b.waitFor();
            equal(other * 10 + 3, in.get(3), "ibSend without an attached buffer");
            int[] one = new int[1];
            w.recv(one, 1, MPI.INT, other, 4);
            equal(other, one[0], "bSend without an attached buffer");
            w.setErrhandler(MPI.ERRORS_RETURN);
            int refused = 0;
            try {
                w.bSend(new byte[100_000], 100_000, MPI.BYTE, other, 5);
            } catch (MPIException e) {
                refused = e.getErrorClass();
                check(e.getMessage().contains("attachBuffer"), "the error says what to do: " + e.getMessage());
            }
            equal(MPI.ERR_BUFFER, refused, "a large bSend without an attached buffer");
            System.out.println("reinterpret ok");
            MPI.Finalize();
        }
    }
}
