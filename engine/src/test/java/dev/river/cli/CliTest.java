package dev.river.cli;

import dev.river.core.LocalEngines;
import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The `river` command line as a user runs it: a separate JVM with River's class path only. */
class CliTest {
    static Cluster cluster;
    static Path repo = Path.of("").toAbsolutePath().getParent();

    @BeforeAll static void up() {
        cluster = Cluster.start(2);
    }

    @AfterAll static void down() {
        cluster.close();
    }

    record Result(int code, String out) {}

    static Result river(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(LocalEngines.javaCommand());
        cmd.add("dev.river.cli.RiverCli");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(repo.toFile());
        pb.environment().put("RIVER_DISCOVERY_PORT", System.getProperty("river.discovery.port"));
        pb.environment().put("RIVER_BEACON_MS", System.getProperty("river.beacon.ms"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "river " + String.join(" ", args) + " did not finish");
        return new Result(p.exitValue(), out);
    }

    @Test
    void statusListsTheEngines() throws Exception {
        Result r = river("status");
        assertEquals(0, r.code(), r.out());
        for (String name : cluster.engines().names()) assertTrue(r.out().contains(name), r.out());
        assertTrue(r.out().contains("2 engines"), r.out());
        Result json = river("status", "--json");
        assertTrue(json.out().strip().startsWith("[{\"id\":"), json.out());
    }

    @Test
    void runCompilesASingleFileAndRunsTheSeedsHelloOnEngines() throws Exception {
        Result r = river("run", "examples/Hello.java");
        assertEquals(0, r.code(), r.out());
        for (String name : cluster.engines().names()) assertTrue(r.out().contains("(" + name + ")"), r.out());
    }

    @Test
    void badInputGetsAClearErrorAndAnExitCode() throws Exception {
        Result missing = river("run", "examples/NoSuchFile.java");
        assertEquals(1, missing.code());
        assertTrue(missing.out().contains("no such file: examples/NoSuchFile.java"), missing.out());
        Path broken = Files.createTempFile("Broken", ".java");
        Files.writeString(broken, "public class " + broken.getFileName().toString().replace(".java", "") + " { int x = ; }");
        Result compile = river("run", broken.toString());
        assertEquals(1, compile.code());
        assertTrue(compile.out().contains("compiling") && compile.out().contains("error"), compile.out());
        Result peers = river("engine", "--peers", "nohostport");
        assertEquals(1, peers.code());
        assertTrue(peers.out().contains("not host:port"), peers.out());
    }
}
