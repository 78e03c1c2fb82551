package dev.river.mpi;

import mpi.MPI;
import mpi.MPIException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/** What ranks send each other and how long their collectives take, as Mpirun.Result#traffic() reports it. */
class MpiTrafficTest extends OnTwoEngines {
    /** Rank 0 sends rank 1 three messages of 100 ints; then every rank joins a barrier and two allReduces. */
    public static class Talk {
        public static void main(String[] args) throws MPIException {
            MPI.Init(args);
            int rank = MPI.COMM_WORLD.getRank();
            int[] data = new int[100];
            for (int i = 0; i < 3; i++) {
                if (rank == 0) MPI.COMM_WORLD.send(data, 100, MPI.INT, 1, 7);
                if (rank == 1) MPI.COMM_WORLD.recv(data, 100, MPI.INT, 0, 7);
            }
            MPI.COMM_WORLD.barrier();
            int[] one = {1};
            MPI.COMM_WORLD.allReduce(one, 1, MPI.INT, MPI.SUM);
            MPI.COMM_WORLD.allReduce(one, 1, MPI.INT, MPI.SUM);
            MPI.Finalize();
        }
    }

    @Test
    void pointToPointAndCollectiveTrafficIsCountedPerRankPair() {
        Mpirun.Result r = Mpirun.options().np(4).engines(MpiTesting.engines(cluster)).output(l -> { }).notices(s -> { })
                .timeout(Duration.ofSeconds(60)).run(Talk.class);
        assertTrue(r.ok(), r + "\n" + r.text());
        Traffic t = r.traffic();
        assertEquals(4, t.ranks());
        // rank 0 -> 1: the three sends (400 bytes each) plus what the collectives send between them
        assertTrue(t.messages(0, 1) >= 3 && t.bytes(0, 1) >= 1200, t.messages(0, 1) + " messages, " + t.bytes(0, 1) + " bytes");
        assertTrue(t.bytes(0, 1) > t.bytes(1, 0) + 1000, "the sends went one way: " + t.bytes(1, 0) + " back");
        for (int i = 0; i < 4; i++) assertEquals(0, t.messages(i, i), "a rank sends nothing to itself here");
        long sum = 0;
        for (long[] row : t.byteMatrix()) for (long b : row) sum += b;
        assertEquals(t.totalBytes(), sum);

        Map<String, Long> calls = new TreeMap<>();
        for (Traffic.Collective c : t.collectives()) {
            calls.merge(c.name(), c.calls(), Long::sum);
            assertTrue(c.nanos() > 0, c.toString());
        }
        assertEquals(Map.of("allReduce", 8L, "barrier", 4L), calls, "per rank: one barrier, two allReduces: " + t.collectives());
        assertEquals(List.of(0, 1, 2, 3), t.collectives().stream().filter(c -> c.name().equals("barrier")).map(Traffic.Collective::rank).sorted().toList());
    }

    @Test
    void theMatricesMustBeSquare() {
        assertThrows(IllegalArgumentException.class, () -> new Traffic(new long[][]{{0, 1}}, new long[][]{{0, 1}}, List.of()));
    }
}
