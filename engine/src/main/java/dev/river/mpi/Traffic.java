package dev.river.mpi;

import java.util.List;

/**
 * What an rMPI job's ranks sent each other, and how long their collectives took: messages and bytes
 * from each rank to each rank (the collectives' own messages included, so a bcast shows its tree),
 * and per rank and blocking collective (by MPI method: barrier, allReduce, ...) the calls and the time
 * spent in them. From {@link Mpirun.Result#traffic()}; a rank that never reported (it was stopped)
 * has an empty row. Immutable.
 *
 * <pre>{@code
 * Mpirun.Result r = Mpirun.options().np(4).run(Ring.class);
 * Traffic t = r.traffic();
 * System.out.println(t.bytes(0, 1) + " bytes in " + t.messages(0, 1) + " messages from rank 0 to rank 1");
 * for (Traffic.Collective c : t.collectives())
 *     System.out.printf("rank %d: %d x %s, %.2f ms%n", c.rank(), c.calls(), c.name(), c.nanos() / 1e6);
 * }</pre>
 */
public final class Traffic {
    /**
     * One rank's time in one collective.
     *
     * @param name  the MPI method, e.g. {@code allReduce}
     * @param rank  the rank
     * @param calls how many times it called it
     * @param nanos the time spent in those calls
     */
    public record Collective(String name, int rank, long calls, long nanos) {}

    private final long[][] messages;
    private final long[][] bytes;
    private final List<Collective> collectives;

    /**
     * @param messages    {@code [from][to]} messages, one row and column per rank (copied)
     * @param bytes       {@code [from][to]} bytes, the same shape (copied)
     * @param collectives the collectives' times, any order
     */
    public Traffic(long[][] messages, long[][] bytes, List<Collective> collectives) {
        int n = messages.length;
        if (bytes.length != n) throw new IllegalArgumentException("messages and bytes need the same number of ranks");
        for (int i = 0; i < n; i++) {
            if (messages[i].length != n || bytes[i].length != n) throw new IllegalArgumentException("the matrices need a row and a column per rank (" + n + ")");
        }
        this.messages = copy(messages);
        this.bytes = copy(bytes);
        this.collectives = List.copyOf(collectives);
    }

    /** The number of ranks. */
    public int ranks() {
        return messages.length;
    }

    public long messages(int from, int to) {
        return messages[from][to];
    }

    public long bytes(int from, int to) {
        return bytes[from][to];
    }

    /** Messages {@code [from][to]} (a copy). */
    public long[][] messageMatrix() {
        return copy(messages);
    }

    /** Bytes {@code [from][to]} (a copy). */
    public long[][] byteMatrix() {
        return copy(bytes);
    }

    public List<Collective> collectives() {
        return collectives;
    }

    public long totalBytes() {
        long n = 0;
        for (long[] row : bytes) for (long b : row) n += b;
        return n;
    }

    public long totalMessages() {
        long n = 0;
        for (long[] row : messages) for (long m : row) n += m;
        return n;
    }

    private static long[][] copy(long[][] m) {
        long[][] out = new long[m.length][];
        for (int i = 0; i < m.length; i++) out[i] = m[i].clone();
        return out;
    }

    @Override public String toString() {
        return "Traffic[" + ranks() + " ranks, " + totalMessages() + " messages, " + totalBytes() + " bytes, "
                + collectives.size() + " collective entries]";
    }
}
