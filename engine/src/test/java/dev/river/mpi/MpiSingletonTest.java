package dev.river.mpi;

import mpi.Intracomm;
import mpi.MPI;
import mpi.MPIException;
import mpi.Request;
import mpi.Status;
import org.junit.jupiter.api.Test;

import java.nio.IntBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MPI.Init outside river mpirun: a job of one rank in this JVM (its own surefire JVM). */
class MpiSingletonTest {
    @Test
    void aProgramOutsideMpirunIsAJobOfOneRank() throws MPIException {
        assertThrows(MPIException.class, () -> MPI.COMM_WORLD.getRank(), "MPI calls before Init fail");
        assertFalse(MPI.isInitialized());
        MPI.Init(new String[0]);
        assertThrows(MPIException.class, () -> MPI.Init(new String[0]), "Init twice fails");
        Intracomm w = MPI.COMM_WORLD;
        assertEquals(0, w.getRank());
        assertEquals(1, w.getSize());
        assertTrue(MPI.wtick() > 0 && MPI.wtime() > 0);
        assertFalse(MPI.getProcessorName().isEmpty());
        assertTrue(MPI.isThreadMain());
        assertEquals(MPI.THREAD_MULTIPLE, MPI.queryThread());
        // messages to self, blocking and not
        IntBuffer in = MPI.newIntBuffer(2);
        Request r = w.iRecv(in, 2, MPI.INT, MPI.ANY_SOURCE, MPI.ANY_TAG);
        w.send(new int[]{4, 5}, 2, MPI.INT, 0, 9);
        Status s = r.waitStatus();
        assertEquals(0, s.getSource());
        assertEquals(9, s.getTag());
        assertEquals(5, in.get(1));
        int[] v = {3};
        w.allReduce(v, 1, MPI.INT, MPI.SUM);
        assertEquals(3, v[0]);
        int[] all = new int[1];
        w.allGather(new int[]{8}, 1, MPI.INT, all, 1, MPI.INT);
        assertArrayEquals(new int[]{8}, all);
        w.barrier();
        MPI.Finalize();
        assertTrue(MPI.isFinalized());
        MPIException after = assertThrows(MPIException.class, MPI::wtime);
        assertTrue(after.getMessage().contains("finalized"), after.getMessage());
    }
}
