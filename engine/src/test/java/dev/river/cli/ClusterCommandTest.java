package dev.river.cli;

import dev.river.core.LocalEngines;
import dev.river.testing.NetNamespaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
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

/**
 * `river cluster start|status|stop` against three "hosts" (network namespaces), with
 * `ip netns exec HOST sh -c` standing in for ssh; and the SLURM job's peer list.
 */
class ClusterCommandTest {
    static NetNamespaces net;
    static Path hosts;
    static Path home;

    @BeforeAll static void up() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "cluster test skipped: network namespaces need root");
        try {
            net = NetNamespaces.create(2);
        } catch (IOException e) {
            Assumptions.abort("cluster test skipped: this machine forbids network namespaces (" + e.getMessage() + ")");
        }
        home = Files.createTempDirectory("river-home");
        hosts = home.resolve("hosts");
        Files.writeString(hosts, "# two hosts\n" + net.name(0) + " " + net.address(0) + "\n" + net.name(1) + " " + net.address(1) + "\n");
    }

    @AfterAll static void down() throws Exception {
        if (net == null) return;
        river("cluster", "stop");
        net.close();
    }

    /** Runs river (this build) with the test's HOME, so pid files and the secret stay in a temp dir. */
    static CliTest.Result river(String... args) throws IOException, InterruptedException {
        String javaCmd = String.join(" ", LocalEngines.javaCommand()) + " -Duser.home=" + home + " dev.river.cli.RiverCli";
        List<String> cmd = new ArrayList<>(LocalEngines.javaCommand());
        cmd.addAll(List.of("-Duser.home=" + home, "dev.river.cli.RiverCli"));
        cmd.addAll(List.of(args));
        if (args[0].equals("cluster")) {
            // HOME too: the remote shell's ~ must be the test's home, never the real one (its secret)
            cmd.addAll(List.of("--hosts", hosts.toString(), "--ssh", "ip netns exec {host} env HOME=" + home + " RIVER_SECRET_FILE=" + secret() + " sh -c",
                    "--river", javaCmd, "--port", "47611"));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("RIVER_SECRET_FILE", secret().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new CliTest.Result(p.exitValue(), out);
    }

    /** The test's own secret: nothing here may touch the real ~/.river/secret. */
    static Path secret() {
        return home.resolve(".river/secret");
    }

    @Test
    void startsEnginesOnEveryHostWithTheSecretAndStopsThem() throws Exception {
        CliTest.Result start = river("cluster", "start");
        assertEquals(0, start.code(), start.out());
        assertTrue(start.out().contains("started 2 of 2 engines"), start.out());
        assertTrue(Files.exists(home.resolve(".river/secret")));
        assertFalse(Files.exists(home.resolve(".river/secret.tmp")), "the copy is renamed into place");

        // a client that knows only the hosts file sees both engines, through explicit peers
        List<String> cmd = new ArrayList<>(LocalEngines.javaCommand());
        cmd.addAll(List.of("-Duser.home=" + home, "-Driver.bind=" + net.client(), "-Driver.discovery.port=0",
                "dev.river.cli.RiverCli", "cluster", "status", "--hosts", hosts.toString(), "--port", "47611"));
        ProcessBuilder spb = new ProcessBuilder(cmd).redirectErrorStream(true);
        spb.environment().put("RIVER_SECRET_FILE", secret().toString());
        Process p = spb.start();
        String status = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), status);
        assertTrue(status.contains(net.address(0) + ":47611") && status.contains(net.address(1) + ":47611"), status);

        CliTest.Result stop = river("cluster", "stop");
        assertEquals(0, stop.code(), stop.out());
        assertTrue(stop.out().contains("stopped"), stop.out());
    }

    @Test
    void theSlurmJobListsEveryNodeAsAPeer() throws Exception {
        Path bin = Files.createTempDirectory("fake-slurm");
        Path scontrol = bin.resolve("scontrol");
        Files.writeString(scontrol, "#!/bin/sh\n[ \"$1 $2\" = \"show hostnames\" ] && printf 'node1\\nnode2\\nnode3\\n'\n");
        scontrol.toFile().setExecutable(true);
        Path repo = Path.of("").toAbsolutePath().getParent();
        ProcessBuilder pb = new ProcessBuilder("bash", "-c",
                "source " + repo.resolve("install/slurm/river-peers.sh") + " && river_peers 47601 && bash -n " + repo.resolve("install/slurm/river.sbatch"));
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("SLURM_JOB_NODELIST", "node[1-3]");
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertEquals("node1:47601,node2:47601,node3:47601", out.strip());
    }
}
