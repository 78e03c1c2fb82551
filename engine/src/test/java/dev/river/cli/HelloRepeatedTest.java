package dev.river.cli;

import dev.river.core.LocalEngines;
import dev.river.testing.Cluster;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The README's first program, run as a new user runs it: no engines anywhere, so `river run` starts
 * two for the run. It once printed nothing on some runs (the program's discover() ran before the
 * fresh engines' first beacon). Twenty runs in a row must each print both engines' names.
 */
class HelloRepeatedTest {
    static final int RUNS = 20;
    static final Pattern ENGINE = Pattern.compile("\\((local-[\\w-]+)\\)");

    @Test
    void helloSeesBothFreshEnginesEveryTime() throws Exception {
        String port = Integer.toString(Cluster.freeUdpPort());   // nobody else's engines on it
        for (int run = 1; run <= RUNS; run++) {
            List<String> cmd = new ArrayList<>(LocalEngines.javaCommand());
            cmd.addAll(List.of("dev.river.cli.RiverCli", "run", "--engines", "2", "examples/Hello.java"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(CliTest.repo.toFile());
            pb.environment().put("RIVER_DISCOVERY_PORT", port);
            pb.environment().put("RIVER_BEACON_MS", "1000");   // the default a user has
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "run " + run + " did not finish:\n" + out);
            assertEquals(0, p.exitValue(), "run " + run + ":\n" + out);
            assertTrue(out.contains("starting 2 local engines"), "run " + run + " found engines it should not have:\n" + out);
            List<String> names = new ArrayList<>();
            Matcher m = ENGINE.matcher(out);
            while (m.find()) names.add(m.group(1));
            assertEquals(2, names.size(), "run " + run + " printed " + names.size() + " engine names:\n" + out);
            assertNotEquals(names.get(0), names.get(1), "run " + run + ": one line per engine:\n" + out);
        }
    }
}
