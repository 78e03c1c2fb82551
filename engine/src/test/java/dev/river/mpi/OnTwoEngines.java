package dev.river.mpi;

import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The MPI test classes' cluster: two real engines, started once per test class (surefire gives each class its JVM). */
abstract class OnTwoEngines {
    static Cluster cluster;

    @BeforeAll
    static void startEngines() {
        cluster = Cluster.start(2);
    }

    @AfterAll
    static void stopEngines() {
        cluster.close();
    }
}
