package dev.river.mpi;

import mpi.Datatype;
import mpi.Intracomm;
import mpi.MPI;
import mpi.MPIException;
import mpi.Prequest;
import mpi.Request;
import mpi.Status;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;

import static dev.river.mpi.MpiTesting.check;
import static dev.river.mpi.MpiTesting.equal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Point-to-point operations on 2, 3 and 4 ranks spread over two engines (so some pairs talk over
 * TCP and some, on the same engine, through memory). Each program checks its own results; a failed
 * check fails its rank and so the job.
 */
class MpiPointToPointTest extends OnTwoEngines {
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void blockingSendRecvOfEveryTypeAndBuffer(int np) {
        Mpirun.Result r = MpiTesting.ok(cluster, np, Types.class);
        for (int rank = 0; rank < np; rank++) assertTrue(r.lines(rank).contains("types ok"), r.text());
    }

    /** Each rank sends every datatype, from arrays and from direct buffers, to the next rank in a ring. */
    public static class Types {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            Intracomm w = MPI.COMM_WORLD;
            int me = w.getRank(), n = w.getSize(), next = (me + 1) % n, prev = (me - 1 + n) % n;
            int len = 5;
            // arrays: send to next, receive from prev (sendRecv avoids ordering concerns)
            int[] ia = new int[len], ib = new int[len];
            long[] la = new long[len], lb = new long[len];
            double[] da = new double[len], db = new double[len];
            float[] fa = new float[len], fb = new float[len];
            short[] sa = new short[len], sb = new short[len];
            char[] ca = new char[len], cb = new char[len];
            byte[] ba = new byte[len], bb = new byte[len];
            boolean[] za = new boolean[len], zb = new boolean[len];
            for (int i = 0; i < len; i++) {
                ia[i] = me * 100 + i;
                la[i] = (long) me << 40 | i;
                da[i] = me + i / 10.0;
                fa[i] = me - i / 4f;
                sa[i] = (short) (me * 7 + i);
                ca[i] = (char) ('a' + me + i);
                ba[i] = (byte) (me - i);
                za[i] = (me + i) % 2 == 0;
            }
            Status s = w.sendRecv(ia, len, MPI.INT, next, 1, ib, len, MPI.INT, prev, 1);
            equal(prev, s.getSource(), "source");
            equal(1, s.getTag(), "tag");
            equal(len, s.getCount(MPI.INT), "count");
            w.sendRecv(la, len, MPI.LONG, next, 2, lb, len, MPI.LONG, prev, 2);
            w.sendRecv(da, len, MPI.DOUBLE, next, 3, db, len, MPI.DOUBLE, prev, 3);
            w.sendRecv(fa, len, MPI.FLOAT, next, 4, fb, len, MPI.FLOAT, prev, 4);
            w.sendRecv(sa, len, MPI.SHORT, next, 5, sb, len, MPI.SHORT, prev, 5);
            w.sendRecv(ca, len, MPI.CHAR, next, 6, cb, len, MPI.CHAR, prev, 6);
            w.sendRecv(ba, len, MPI.BYTE, next, 7, bb, len, MPI.BYTE, prev, 7);
            w.sendRecv(za, len, MPI.BOOLEAN, next, 8, zb, len, MPI.BOOLEAN, prev, 8);
            for (int i = 0; i < len; i++) {
                equal(prev * 100 + i, ib[i], "int " + i);
                equal((long) prev << 40 | i, lb[i], "long " + i);
                equal(prev + i / 10.0, db[i], "double " + i);
                equal(prev - i / 4f, fb[i], "float " + i);
                equal((short) (prev * 7 + i), sb[i], "short " + i);
                equal((char) ('a' + prev + i), cb[i], "char " + i);
                equal((byte) (prev - i), bb[i], "byte " + i);
                equal((prev + i) % 2 == 0, zb[i], "boolean " + i);
            }
            // direct buffers, blocking and non-blocking
            DoubleBuffer dout = MPI.newDoubleBuffer(len), din = MPI.newDoubleBuffer(len);
            IntBuffer iout = MPI.newIntBuffer(len), iin = MPI.newIntBuffer(len);
            LongBuffer lout = MPI.newLongBuffer(len), lin = MPI.newLongBuffer(len);
            FloatBuffer fout = MPI.newFloatBuffer(len), fin = MPI.newFloatBuffer(len);
            ShortBuffer sout = MPI.newShortBuffer(len), sin = MPI.newShortBuffer(len);
            CharBuffer cout = MPI.newCharBuffer(len), cin = MPI.newCharBuffer(len);
            ByteBuffer bout = MPI.newByteBuffer(len * 8), bin = MPI.newByteBuffer(len * 8);
            for (int i = 0; i < len; i++) {
                dout.put(i, me * 1.5 + i);
                iout.put(i, me * 3 + i);
                lout.put(i, me * 5L + i);
                fout.put(i, me * 0.5f + i);
                sout.put(i, (short) (me + i));
                cout.put(i, (char) ('A' + me + i));
                bout.putDouble(i * 8, -me - i);           // raw bytes carrying doubles
            }
            Request[] rs = {
                    w.iRecv(din, len, MPI.DOUBLE, prev, 11), w.iRecv(iin, len, MPI.INT, prev, 12), w.iRecv(lin, len, MPI.LONG, prev, 13),
                    w.iRecv(fin, len, MPI.FLOAT, prev, 14), w.iRecv(sin, len, MPI.SHORT, prev, 15), w.iRecv(cin, len, MPI.CHAR, prev, 16),
                    w.iRecv(bin, len, MPI.DOUBLE, prev, 17),
                    w.iSend(dout, len, MPI.DOUBLE, next, 11), w.iSend(iout, len, MPI.INT, next, 12), w.iSend(lout, len, MPI.LONG, next, 13),
                    w.iSend(fout, len, MPI.FLOAT, next, 14), w.iSend(sout, len, MPI.SHORT, next, 15), w.iSend(cout, len, MPI.CHAR, next, 16),
                    w.iSend(bout, len, MPI.DOUBLE, next, 17)};
            Status[] st = Request.waitAllStatus(rs);
            equal(prev, st[0].getSource(), "iRecv source");
            for (Request q : rs) check(q.isNull(), "requests are inactive after waitAll");
            for (int i = 0; i < len; i++) {
                equal(prev * 1.5 + i, din.get(i), "direct double " + i);
                equal(prev * 3 + i, iin.get(i), "direct int " + i);
                equal(prev * 5L + i, lin.get(i), "direct long " + i);
                equal(prev * 0.5f + i, fin.get(i), "direct float " + i);
                equal((short) (prev + i), sin.get(i), "direct short " + i);
                equal((char) ('A' + prev + i), cin.get(i), "direct char " + i);
                equal((double) (-prev - i), bin.getDouble(i * 8), "raw bytes " + i);
            }
            // slices: send the middle of an array, receive into the middle of another
            double[] big = new double[10], got = new double[10];
            Arrays.fill(big, me);
            big[4] = 42 + me;
            big[5] = 43 + me;
            w.sendRecv(MPI.slice(big, 4), 2, MPI.DOUBLE, next, 20, MPI.slice(got, 6), 2, MPI.DOUBLE, prev, 20);
            equal(new double[]{0, 0, 0, 0, 0, 0, 42 + prev, 43 + prev, 0, 0}, got, "slices");
            // a large message (several chunks) with a derived type on the receiving side
            int big2 = 300_000;
            double[] a = new double[big2], b = new double[2 * big2];
            for (int i = 0; i < big2; i++) a[i] = me * 1e6 + i;
            Datatype everyOther = Datatype.createVector(big2, 1, 2, MPI.DOUBLE);
            everyOther.commit();
            w.sendRecv(a, big2, MPI.DOUBLE, next, 21, b, 1, everyOther, prev, 21);
            for (int i = 0; i < big2; i++) {
                if (b[2 * i] != prev * 1e6 + i || b[2 * i + 1] != 0) throw new AssertionError("strided large message wrong at " + i);
            }
            System.out.println("types ok");
            MPI.Finalize();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void wildcardsOrderingProbeAndModes(int np) {
        MpiTesting.ok(cluster, np, Matching.class);
    }

    /** Wildcards, MPI's ordering guarantee, probe, PROC_NULL, sendRecvReplace, bSend/rSend/sSend. */
    public static class Matching {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            Intracomm w = MPI.COMM_WORLD;
            int me = w.getRank(), n = w.getSize();
            int m = 200;
            if (me != 0) {
                // many messages with two tags: each tag's stream must arrive in order
                for (int i = 0; i < m; i++) w.send(new int[]{me, i}, 2, MPI.INT, 0, i % 2);
            } else {
                int[] next0 = new int[n], next1 = new int[n];
                int[] buf = new int[2];
                // first drain tag 1 selectively from each sender, then the rest with wildcards
                for (int src = 1; src < n; src++) {
                    for (int k = 0; k < m / 2; k++) {
                        Status s = w.recv(buf, 2, MPI.INT, src, 1);
                        equal(src, buf[0], "sender");
                        equal(next1[src] * 2 + 1, buf[1], "tag-1 order from " + src);
                        equal(1, s.getTag(), "tag");
                        next1[src]++;
                    }
                }
                for (int k = 0; k < (n - 1) * m / 2; k++) {
                    Status s = w.recv(buf, 2, MPI.INT, MPI.ANY_SOURCE, MPI.ANY_TAG);
                    int src = s.getSource();
                    equal(src, buf[0], "wildcard source matches payload");
                    equal(0, s.getTag(), "only tag 0 is left");
                    equal(next0[src] * 2, buf[1], "tag-0 order from " + src);
                    next0[src]++;
                }
            }
            w.barrier();
            // probe / iProbe: learn the size, then receive exactly that much
            if (me == 1) {
                double[] d = new double[37];
                Arrays.fill(d, 3.5);
                w.send(d, 37, MPI.DOUBLE, 0, 77);
            } else if (me == 0) {
                Status p = w.probe(MPI.ANY_SOURCE, 77);
                equal(1, p.getSource(), "probe source");
                equal(37, p.getCount(MPI.DOUBLE), "probe count");
                equal(37 * 8, p.getElements(MPI.BYTE), "probe elements in bytes");
                Status again = w.iProbe(1, 77);
                check(again != null && again.getCount(MPI.DOUBLE) == 37, "iProbe sees the probed message");
                double[] d = new double[p.getCount(MPI.DOUBLE)];
                w.recv(d, d.length, MPI.DOUBLE, p.getSource(), p.getTag());
                equal(3.5, d[36], "probed message");
                check(w.iProbe(1, 77) == null, "iProbe is null once received");
            }
            // MPI.PROC_NULL: no-ops that complete at once
            w.send(new int[1], 1, MPI.INT, MPI.PROC_NULL, 0);
            Status pn = w.recv(new int[1], 1, MPI.INT, MPI.PROC_NULL, 0);
            equal(MPI.PROC_NULL, pn.getSource(), "PROC_NULL status source");
            equal(0, pn.getCount(MPI.INT), "PROC_NULL count");
            // sendRecvReplace around the ring
            int[] token = {me * 10, me * 10 + 1};
            Status s = w.sendRecvReplace(token, 2, MPI.INT, (me + 1) % n, 5, (me - 1 + n) % n, 5);
            int prev = (me - 1 + n) % n;
            equal(new int[]{prev * 10, prev * 10 + 1}, token, "sendRecvReplace");
            equal(prev, s.getSource(), "sendRecvReplace source");
            // buffered send: needs an attached buffer
            MPI.attachBuffer(new byte[4 * (64 + MPI.BSEND_OVERHEAD)]);
            w.bSend(new int[]{me}, 1, MPI.INT, (me + 1) % n, 6);
            int[] got = new int[1];
            w.recv(got, 1, MPI.INT, prev, 6);
            equal(prev, got[0], "bSend");
            MPI.detachBuffer();
            // ready send after the receiver says it has posted its receive
            if (me == 0) {
                Request rr = w.iRecv(MPI.newIntBuffer(1), 1, MPI.INT, 1, 8);
                w.send(new int[1], 1, MPI.INT, 1, 9);          // "posted"
                rr.waitFor();
            } else if (me == 1) {
                w.recv(new int[1], 1, MPI.INT, 0, 9);
                w.rSend(new int[]{1}, 1, MPI.INT, 0, 8);
            }
            // synchronous send completes only when matched: rank 1 posts its receive after a go from rank 0
            if (me == 0) {
                IntBuffer out = MPI.newIntBuffer(1);
                out.put(0, 99);
                Request ss = w.isSend(out, 1, MPI.INT, 1, 10);
                for (int i = 0; i < 20; i++) check(!ss.test(), "isSend must not complete before the receive is posted");
                IntBuffer out2 = MPI.newIntBuffer(1);
                Request std = w.iSend(out2, 1, MPI.INT, 1, 12);
                std.waitFor();                                  // a small standard send completes without a receive
                w.send(new int[1], 1, MPI.INT, 1, 11);          // go
                ss.waitFor();
                check(ss.isNull(), "sSend request done");
            } else if (me == 1) {
                w.recv(new int[1], 1, MPI.INT, 0, 11);
                int[] v = new int[1];
                w.recv(v, 1, MPI.INT, 0, 10);
                equal(99, v[0], "sSend payload");
                w.recv(v, 1, MPI.INT, 0, 12);
            }
            // pack an int and three doubles into bytes, send them as MPI.PACKED, unpack on the other side
            int next = (me + 1) % n;
            byte[] packed = new byte[w.packSize(1, MPI.INT) + w.packSize(3, MPI.DOUBLE)];
            int pos = w.pack(new int[]{me}, 1, MPI.INT, packed, 0);
            pos = w.pack(new double[]{me + 0.5, me + 1.5, me + 2.5}, 3, MPI.DOUBLE, packed, pos);
            equal(packed.length, pos, "pack position");
            byte[] in = new byte[packed.length];
            Status ps = w.sendRecv(packed, pos, MPI.PACKED, next, 13, in, in.length, MPI.PACKED, prev, 13);
            int[] who = new int[1];
            double[] vals = new double[3];
            int at = w.unpack(in, 0, who, 1, MPI.INT);
            w.unpack(in, at, vals, 3, MPI.DOUBLE);
            equal(prev, who[0], "unpacked int");
            equal(new double[]{prev + 0.5, prev + 1.5, prev + 2.5}, vals, "unpacked doubles");
            equal(packed.length, ps.getCount(MPI.PACKED), "packed count");
            MPI.Finalize();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void threadsOfARankCommunicateAtTheSameTime(int np) {
        MpiTesting.ok(cluster, np, Threads.class);
    }

    /** MPI.THREAD_MULTIPLE: four threads per rank exchange with the same threads of the next rank, each on its own tag. */
    public static class Threads {
        public static void main(String[] args) throws Exception {
            int provided = MPI.InitThread(args, MPI.THREAD_MULTIPLE);
            equal(MPI.THREAD_MULTIPLE, provided, "thread level");
            Intracomm w = MPI.COMM_WORLD;
            int me = w.getRank(), n = w.getSize(), next = (me + 1) % n, prev = (me - 1 + n) % n;
            int threads = 4, rounds = 200;
            Throwable[] failed = new Throwable[threads];
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int tag = t;
                ts[t] = new Thread(() -> {
                    try {
                        long[] out = new long[64], in = new long[64];
                        for (int r = 0; r < rounds; r++) {
                            java.util.Arrays.fill(out, me * 1_000_000L + tag * 1000L + r);
                            w.sendRecv(out, 64, MPI.LONG, next, tag, in, 64, MPI.LONG, prev, tag);
                            if (in[63] != prev * 1_000_000L + tag * 1000L + r) throw new AssertionError("thread " + tag + " round " + r + " got " + in[63]);
                        }
                    } catch (Throwable e) {
                        failed[tag] = e;
                    }
                });
                ts[t].start();
            }
            for (Thread t : ts) t.join();
            for (Throwable f : failed) if (f != null) throw new AssertionError("a thread failed: " + f, f);
            w.barrier();
            MPI.Finalize();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void nonBlockingRequestsAndPersistentRequests(int np) {
        MpiTesting.ok(cluster, np, Requests.class);
    }

    /** waitAny/waitSome/testAll/testAny/testSome, cancel, free, Prequest start/startAll. */
    public static class Requests {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            Intracomm w = MPI.COMM_WORLD;
            int me = w.getRank(), n = w.getSize();
            if (me == 0) {
                // one receive per other rank; complete them with waitAny, in whatever order
                IntBuffer[] in = new IntBuffer[n - 1];
                Request[] rs = new Request[n - 1];
                for (int i = 0; i < n - 1; i++) {
                    in[i] = MPI.newIntBuffer(1);
                    rs[i] = w.iRecv(in[i], 1, MPI.INT, i + 1, 1);
                }
                boolean[] seen = new boolean[n - 1];
                for (int k = 0; k < n - 1; k++) {
                    int idx = Request.waitAny(rs);
                    check(!seen[idx], "waitAny returns each index once");
                    seen[idx] = true;
                    equal(idx + 1, in[idx].get(0), "waitAny data");
                }
                equal(MPI.UNDEFINED, Request.waitAny(rs), "waitAny on inactive requests");
                // waitSome then testSome until everything arrived
                for (int i = 0; i < n - 1; i++) rs[i] = w.iRecv(in[i], 1, MPI.INT, i + 1, 2);
                int done = 0;
                int[] got = Request.waitSome(rs);
                check(got.length >= 1, "waitSome completes at least one");
                done += got.length;
                while (done < n - 1) {
                    int[] more = Request.testSome(rs);
                    if (more == null) break;
                    done += more.length;
                }
                equal(n - 1, done, "waitSome + testSome complete all");
                check(Request.testSome(rs) == null, "testSome on inactive requests is null");
                // testAll / testAny eventually true
                for (int i = 0; i < n - 1; i++) rs[i] = w.iRecv(in[i], 1, MPI.INT, i + 1, 3);
                while (!Request.testAll(rs)) Thread.onSpinWait();
                for (int i = 0; i < n - 1; i++) equal((i + 1) * 3, in[i].get(0), "testAll data");
                rs[0] = w.iRecv(in[0], 1, MPI.INT, 1, 4);
                while (Request.testAny(rs) == MPI.UNDEFINED) Thread.onSpinWait();
                // cancel a receive nobody will match
                Request never = w.iRecv(MPI.newIntBuffer(1), 1, MPI.INT, MPI.ANY_SOURCE, 999);
                never.cancel();
                Status cs = never.waitStatus();
                check(cs.isCancelled(), "cancelled receive");
                // free: the operation still completes (rank 1 sends tag 5 after the barrier)
                Request freed = w.iRecv(MPI.newIntBuffer(1), 1, MPI.INT, 1, 5);
                freed.free();
                check(freed.isNull(), "freed request is null");
            } else {
                w.send(new int[]{me}, 1, MPI.INT, 0, 1);
                w.send(new int[]{me * 2}, 1, MPI.INT, 0, 2);
                w.send(new int[]{me * 3}, 1, MPI.INT, 0, 3);
                if (me == 1) w.send(new int[]{4}, 1, MPI.INT, 0, 4);
            }
            w.barrier();
            if (me == 1) w.send(new int[]{5}, 1, MPI.INT, 0, 5);
            // persistent requests: a ring exchange started five times
            int next = (me + 1) % n, prev = (me - 1 + n) % n;
            IntBuffer out = MPI.newIntBuffer(1), in = MPI.newIntBuffer(1);
            Prequest send = w.sendInit(out, 1, MPI.INT, next, 30);
            Prequest recv = w.recvInit(in, 1, MPI.INT, prev, 30);
            for (int round = 0; round < 5; round++) {
                out.put(0, me * 100 + round);
                Prequest.startAll(new Prequest[]{recv, send});
                Request.waitAll(new Request[]{recv, send});
                check(!recv.isNull(), "an inactive persistent request is not null");
                equal(prev * 100 + round, in.get(0), "persistent round " + round);
            }
            send.free();
            recv.free();
            check(send.isNull(), "freed persistent request is null");
            MPI.Finalize();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void errorsAreExceptionsUnderErrorsReturn(int np) {
        MpiTesting.ok(cluster, np, Errors.class);
    }

    /** Truncation, invalid rank/tag/type/buffer: MPIException with the right class and a clear message. */
    public static class Errors {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            Intracomm w = MPI.COMM_WORLD;
            w.setErrhandler(MPI.ERRORS_RETURN);
            int me = w.getRank(), n = w.getSize();
            expect(MPI.ERR_RANK, "rank " + n + " is not in this communicator", () -> w.send(new int[1], 1, MPI.INT, n, 0));
            expect(MPI.ERR_RANK, "rank -5", () -> w.recv(new int[1], 1, MPI.INT, -5, 0));
            expect(MPI.ERR_TAG, "tag -3 is invalid", () -> w.send(new int[1], 1, MPI.INT, 0, -3));
            expect(MPI.ERR_TYPE, "cannot hold MPI.INT", () -> w.send(new boolean[1], 1, MPI.INT, 0, 0));
            expect(MPI.ERR_BUFFER, "need buffer elements", () -> w.send(new int[2], 3, MPI.INT, 0, 0));
            Datatype raw = Datatype.createContiguous(2, MPI.INT);
            expect(MPI.ERR_TYPE, "not committed", () -> w.send(new int[4], 1, raw, 0, 0));
            // truncation: rank 0 receives 4 ints into room for 2
            if (me == 1) w.send(new int[]{1, 2, 3, 4}, 4, MPI.INT, 0, 3);
            if (me == 0) {
                int[] small = new int[2];
                expect(MPI.ERR_TRUNCATE, "has 16 bytes but the receive buffer holds 8", () -> w.recv(small, 2, MPI.INT, 1, 3));
                w.recv(new int[4], 4, MPI.INT, MPI.ANY_SOURCE, MPI.ANY_TAG);      // the next message is intact
            }
            if (me == 1) w.send(new int[4], 4, MPI.INT, 0, 4);
            MPI.Finalize();
        }

        interface Call {
            void run() throws MPIException;
        }

        static void expect(int errorClass, String text, Call c) {
            try {
                c.run();
            } catch (MPIException e) {
                equal(errorClass, e.getErrorClass(), "error class of: " + e.getMessage());
                check(e.getMessage().contains(text), "message '" + e.getMessage() + "' mentions '" + text + "'");
                return;
            }
            throw new AssertionError("expected an MPIException (" + text + ")");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2})
    void errorsAreFatalByDefault(int np) {
        Mpirun.Result r = MpiTesting.run(cluster, np, FatalTruncation.class);
        assertEquals(MPI.ERR_TRUNCATE, r.exitCode(), r.toString());
        assertTrue(r.failure().contains("rank 0"), r.failure());
        assertTrue(r.failure().contains("MPI_ERR_TRUNCATE"), r.failure());
        assertTrue(r.failure().contains("ERRORS_RETURN"), "the message says how to get an exception instead: " + r.failure());
    }

    /** Truncation with the default handler: the job ends, naming the rank and the error. */
    public static class FatalTruncation {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            if (MPI.COMM_WORLD.getRank() == 1) MPI.COMM_WORLD.send(new int[4], 4, MPI.INT, 0, 0);
            if (MPI.COMM_WORLD.getRank() == 0) MPI.COMM_WORLD.recv(new int[1], 1, MPI.INT, 1, 0);
            MPI.COMM_WORLD.barrier();
            MPI.Finalize();
        }
    }
}
