package dev.river.core;

import dev.river.testing.Cluster;
import dev.river.testing.NetNamespaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Real multi-host operation on one machine: three network namespaces ("hosts") joined by veth pairs
 * to a bridge, one engine in each, and this JVM on the bridge as the client. Shows broadcast
 * discovery across hosts, explicit peers where broadcast does not reach, deploy plus messaging
 * across them, Trickle farming work over them, and rMPI ranks talking across them. Needs root (CI runs as root); elsewhere it is skipped with the reason.
 */
class MultiHostTest {
    static final List<Process> engines = new ArrayList<>();
    static final int PORT = 47601;
    static NetNamespaces net;
    static String NET;

    @BeforeAll static void up() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "multi-host test skipped: creating network namespaces needs root");
        try {
            net = NetNamespaces.create(3);
        } catch (IOException e) {
            Assumptions.abort("multi-host test skipped: this machine forbids network namespaces (" + e.getMessage() + ")");
        }
        NET = net.client().substring(0, net.client().lastIndexOf('.') + 1);
        int discoveryPort = Cluster.freeUdpPort();
        // This JVM is the client, on the bridge; the third host is reachable only as an explicit peer.
        System.setProperty("river.bind", net.client());
        System.setProperty("river.discovery.port", Integer.toString(discoveryPort));
        System.setProperty("river.beacon.ms", "200");
        System.setProperty("river.peers", net.address(2) + ":" + PORT);
        for (int i = 0; i < net.size(); i++) {
            boolean broadcast = i < 2;
            List<String> cmd = new ArrayList<>(LocalEngines.javaCommand());
            cmd.addAll(List.of("dev.river.cli.RiverCli", "engine", "--bind", net.address(i), "--port", Integer.toString(PORT),
                    "--name", "host" + (i + 1), "--discovery-port", broadcast ? Integer.toString(discoveryPort) : "0",
                    "--broadcast", net.broadcast(), "--beacon-interval", "200", "--log-level", "warning"));
            Process p = new ProcessBuilder(net.exec(i, cmd)).redirectErrorStream(true).start();
            engines.add(p);
            String first = new String(p.getInputStream().readNBytes(LocalEngines.READY.length()), StandardCharsets.UTF_8);
            assertEquals(LocalEngines.READY, first, "engine in " + net.name(i) + " did not start");
            pipeRest(p, "host" + (i + 1));
        }
    }

    @AfterAll static void down() throws Exception {
        for (Process p : engines) p.destroy();
        for (Process p : engines) p.waitFor(10, TimeUnit.SECONDS);
        if (net != null) net.close();
    }

    @Test
    void broadcastFindsEnginesOnOtherHostsAndPeersFindTheRest() {
        List<VmInfo> vms = River.awaitEngines(3, Duration.ofSeconds(30));
        assertEquals(Set.of(NET + "1:" + PORT, NET + "2:" + PORT, NET + "3:" + PORT),
                vms.stream().map(VmInfo::address).collect(Collectors.toSet()),
                "hosts 1 and 2 by broadcast across the bridge, host 3 as an explicit peer");
        assertEquals(Set.of("host1", "host2", "host3"), vms.stream().map(VmInfo::name).collect(Collectors.toSet()));
    }

    @Test
    void deployAndMessagingAcrossHosts() {
        List<VmInfo> vms = River.awaitEngines(3, Duration.ofSeconds(30));
        VirtualResource d = River.attach("multihost");
        List<VrId> echoes = d.deploy(vms, SfmTest.Echo.class);
        for (VrId e : echoes) {
            d.send(e, "where", e.vm(), "payload", new double[100_000]);
            Message m = d.recv(Duration.ofSeconds(30), "src", e);
            assertEquals(e.vm(), m.getString("where"));
            assertEquals(100_000, ((double[]) m.get("payload")).length);
            d.send(e, "stop", true);
        }
        // a VR on one host sends straight to a VR on another, which reports to the driver
        VrId sender = d.deploy(vms.get(0), SfmTest.Sender.class);
        VrId forwarder = d.deploy(vms.get(2), Forwarder.class);
        d.send(sender, "to", forwarder, "msgs", List.of(java.util.Map.of("hop", "host-to-host")));
        Message m = d.recv(Duration.ofSeconds(30), "hop", Match.ANY);
        assertEquals("host-to-host", m.getString("hop"));
        assertEquals(vms.get(0).address(), m.getString("from"));
        assertEquals(vms.get(2).name(), m.getString("via"));
        River.detach(d);
    }

    @Test
    void trickleFarmsWorkAcrossHosts() {
        River.awaitEngines(3, Duration.ofSeconds(30));
        try (dev.river.trickle.Trickle t = dev.river.trickle.Trickle.connect(3)) {
            assertEquals(3, t.vms().size());
            List<Integer> items = java.util.stream.IntStream.rangeClosed(1, 300).boxed().toList();
            dev.river.trickle.Task<List<Integer>, String> where = chunk ->
                    chunk.stream().mapToInt(Integer::intValue).sum() + "@" + java.net.InetAddress.getLocalHost().getHostAddress();
            List<String> sums = t.forkwork(where, items, 10);
            assertEquals(30, sums.size());
            assertEquals(300 * 301 / 2, sums.stream().mapToInt(x -> Integer.parseInt(x.substring(0, x.indexOf('@')))).sum());
        }
    }

    @Test
    void rmpiRanksRunAcrossHosts() {
        List<VmInfo> vms = River.awaitEngines(3, Duration.ofSeconds(30));
        dev.river.mpi.Mpirun.Result r = dev.river.mpi.Mpirun.options().np(3)
                .engines(vms.stream().map(VmInfo::address).toList())
                .timeout(Duration.ofMinutes(2))
                .run(SumOfRanks.class);
        assertTrue(r.ok(), r.toString() + "\n" + r.text());
        for (int rank = 0; rank < 3; rank++) {
            assertTrue(r.lines(rank).stream().anyMatch(l -> l.startsWith("sum 6 ")), r.text());
        }
        assertEquals(3, r.ranks().stream().map(dev.river.mpi.Mpirun.RankResult::engine).distinct().count(),
                "one rank per host: " + r.ranks());
    }

    /** Every rank adds rank + 1 with allReduce: 1 + 2 + 3 = 6 everywhere. */
    public static final class SumOfRanks {
        public static void main(String[] args) throws Exception {
            mpi.MPI.Init(args);
            int rank = mpi.MPI.COMM_WORLD.getRank();
            int[] mine = {rank + 1};
            int[] sum = new int[1];
            mpi.MPI.COMM_WORLD.allReduce(mine, sum, 1, mpi.MPI.INT, mpi.MPI.SUM);
            System.out.println("sum " + sum[0] + " on " + mpi.MPI.getProcessorName());
            mpi.MPI.Finalize();
        }
    }

    /** Reports the first message it receives to its parent, with where it came from. */
    public static final class Forwarder extends VirtualResource {
        @Override protected void main() {
            Message m = recv("hop", Match.ANY);
            send(parent(), "hop", m.get("hop"), "from", m.src().vm(), "via", vm().name());
        }
    }

    private static void pipeRest(Process p, String name) {
        Thread t = new Thread(() -> {
            try {
                p.getInputStream().transferTo(System.out);
            } catch (IOException e) {
                // engine gone
            }
        }, "out-" + name);
        t.setDaemon(true);
        t.start();
    }
}
