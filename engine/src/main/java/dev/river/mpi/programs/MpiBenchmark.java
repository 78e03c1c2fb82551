package dev.river.mpi.programs;

import mpi.MPI;
import mpi.MPIException;
import mpi.Intracomm;

import java.util.Locale;

/**
 * The rMPI side of {@code river bench mpi}, run with two ranks: one-way latency (8-byte ping-pong),
 * bandwidth (16 MiB ping-pong), allreduce of one double and barrier, each the best of several rounds,
 * and the median (p50) and 99th percentile (p99) of single one-way latencies (half of each timed round
 * trip) and of single allreduce calls, over every round. Rank 0 prints one line:
 * {@code RMPI-BENCH {"latency_us":..., "bandwidth_mib_s":..., ..., "latency_p50_us":..., ...}}.
 *
 * <pre>{@code
 * Mpirun.run(2, MpiBenchmark.class, "--iters", "10000", "--rounds", "3");
 * }</pre>
 */
public final class MpiBenchmark {
    private MpiBenchmark() {}

    public static void main(String[] args) throws MPIException {
        int iters = 10_000, bigIters = 20, rounds = 3;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--iters" -> iters = Integer.parseInt(args[i + 1]);
                case "--big-iters" -> bigIters = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        MPI.Init(args);
        Intracomm comm = MPI.COMM_WORLD;
        if (comm.getSize() != 2) throw new IllegalStateException("run with exactly 2 ranks");
        byte[] small = new byte[8];
        byte[] big = new byte[16 << 20];
        double lat = Double.MAX_VALUE, bw = Double.MAX_VALUE, ar = Double.MAX_VALUE, br = Double.MAX_VALUE;
        double[] x = {1}, y = new double[1];
        long[] trips = new long[rounds * iters], reduces = new long[rounds * iters];   // nanoseconds, rank 0
        // warm up every path first (JIT), so that the rounds measure steady state
        pingPong(comm, small, 5000, 0, null, 0);
        pingPong(comm, big, 3, 0, null, 0);
        warm(comm, 5000, x, y);
        for (int r = 0; r < rounds; r++) {
            lat = Math.min(lat, pingPong(comm, small, iters, Math.max(100, iters / 10), trips, r * iters));
            bw = Math.min(bw, pingPong(comm, big, bigIters, 2, null, 0));
            comm.barrier();
            double t0 = MPI.wtime();
            for (int i = 0; i < iters; i++) {
                long s0 = System.nanoTime();
                comm.allReduce(x, y, 1, MPI.DOUBLE, MPI.SUM);
                reduces[r * iters + i] = System.nanoTime() - s0;
            }
            ar = Math.min(ar, (MPI.wtime() - t0) / iters);
            comm.barrier();
            t0 = MPI.wtime();
            for (int i = 0; i < iters; i++) comm.barrier();
            br = Math.min(br, (MPI.wtime() - t0) / iters);
        }
        if (y[0] != 2) throw new IllegalStateException("allReduce gave " + y[0] + " instead of 2");
        if (comm.getRank() == 0) {
            System.out.println(String.format(Locale.ROOT,
                    "RMPI-BENCH {\"latency_us\": %.3f, \"bandwidth_mib_s\": %.1f, \"allreduce_us\": %.3f, \"barrier_us\": %.3f,"
                            + " \"latency_p50_us\": %.3f, \"latency_p99_us\": %.3f, \"allreduce_p50_us\": %.3f, \"allreduce_p99_us\": %.3f}",
                    lat * 1e6, (big.length / (double) (1 << 20)) / bw, ar * 1e6, br * 1e6,
                    percentile(trips, 50) / 2e3, percentile(trips, 99) / 2e3, percentile(reduces, 50) / 1e3, percentile(reduces, 99) / 1e3));
        }
        MPI.Finalize();
    }

    private static void warm(Intracomm comm, int n, double[] x, double[] y) throws MPIException {
        for (int i = 0; i < n; i++) {
            comm.allReduce(x, y, 1, MPI.DOUBLE, MPI.SUM);
            comm.barrier();
        }
    }

    /** The {@code p}th percentile (nearest rank) of {@code ns}. */
    private static double percentile(long[] ns, int p) {
        long[] sorted = ns.clone();
        java.util.Arrays.sort(sorted);
        return sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /** One-way time per message, in seconds; each round trip's nanoseconds go to {@code trips} from {@code at} if not null. */
    private static double pingPong(Intracomm comm, byte[] buf, int iters, int warmup, long[] trips, int at) throws MPIException {
        int rank = comm.getRank();
        double t0 = 0;
        for (int i = 0; i < warmup + iters; i++) {
            if (i == warmup) {
                comm.barrier();
                t0 = MPI.wtime();
            }
            if (rank == 0) {
                long s0 = System.nanoTime();
                comm.send(buf, buf.length, MPI.BYTE, 1, 1);
                comm.recv(buf, buf.length, MPI.BYTE, 1, 1);
                if (trips != null && i >= warmup) trips[at + i - warmup] = System.nanoTime() - s0;
            } else {
                comm.recv(buf, buf.length, MPI.BYTE, 0, 1);
                comm.send(buf, buf.length, MPI.BYTE, 0, 1);
            }
        }
        return (MPI.wtime() - t0) / iters / 2;
    }
}
