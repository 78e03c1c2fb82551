package dev.river.mapreduce;

import dev.river.bench.WordText;
import dev.river.testing.Chaos;
import dev.river.testing.Cluster;
import dev.river.trickle.Trickle;
import dev.river.trickle.Vm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * kill -9 of a random engine at a random moment of a MapReduce job (in the map phase or the reduce
 * phase, chosen at random), round after round on three fresh engines: the counts equal a sequential
 * count every time, and the job shows the work it did again.
 */
class MapReduceChaosTest {
    static Chaos chaos;
    static Path input;
    static Map<String, Long> expected;

    @BeforeAll
    static void up() throws IOException {
        Cluster.configureThisJvm();
        chaos = Chaos.fromSystemProperties("mapreduce");
        input = Files.createTempFile("mapreduce-chaos", ".txt");
        WordText.write(input, 1_500_000, 11);
        expected = MapReduceTest.sequentialCount(List.of(input));
    }

    @AfterAll
    static void down() throws IOException {
        if (input != null) Files.deleteIfExists(input);
        System.out.println("chaos mapreduce: " + (chaos == null ? 0 : chaos.kills()) + " engines killed");
    }

    @Test
    void aKillInAnyPhaseGivesTheSequentialCounts() {
        int rounds = Chaos.rounds(3);
        for (int round = 0; round < rounds; round++) {
            try (Trickle t = Trickle.builder().local(3).connect()) {
                List<String> names = new ArrayList<>();
                for (Vm vm : t.vms()) names.add(vm.name());
                String victim = chaos.pick(names);
                boolean inReduce = chaos.nextInt(2) == 1;
                int splits = 18, partitions = 6;
                // The job always reports the start of its reduce phase (maps all done, reduces none yet). In the
                // map phase, strike after the first map: before it, the victim may die while the job is still
                // placing its VRs, and then no reducer is ever there to restart.
                int moment = inReduce ? 0 : 1 + chaos.nextInt(splits * 2 / 3 - 1);
                boolean[] struck = {false};
                Running<Map<String, Long>> r = MapReduce.fromFiles(input).splits(splits).map(MapReduceFailoverTest::slowWords)
                        .combine(Long::sum).reduce(MapReduceFailoverTest::slowSum).partitions(partitions)
                        .start(t)
                        .onProgress(p -> {
                            boolean now = inReduce ? p.state() == Progress.State.REDUCING && p.reducesDone() >= moment
                                    : p.mapsDone() >= moment;
                            if (now && !struck[0]) {
                                struck[0] = true;
                                assertTrue(chaos.kill(victim), "the victim engine was running");
                            }
                        });
                String what = "round " + round + ": kill " + victim + (inReduce ? " as the reduce phase starts" : " after " + moment + " maps")
                        + " (seed " + chaos.seed() + ")";
                Map<String, Long> counts = assertTimeoutPreemptively(Duration.ofSeconds(180), r::result, what);
                assertTrue(struck[0], what + ": the job ended before the kill");
                assertEquals(expected, counts, what);
                Progress p = r.progress();
                assertEquals(p.mapsTotal(), p.mapsDone(), what + ": " + p);
                assertTrue(p.reducersRestarted() >= 1, what + ": the victim's reducer started again elsewhere: " + p);
            }
        }
        assertEquals(rounds, chaos.kills());
    }
}
