package dev.river.core;

import dev.river.testing.Cluster;
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
 * discovery across hosts, explicit peers where broadcast does not reach, and deploy plus messaging
 * across them. Needs root (CI runs as root); elsewhere it is skipped with the reason.
 */
class MultiHostTest {
    static final String NET = "10.77." + (10 + (int) (ProcessHandle.current().pid() % 200)) + ".";
    static final String TAG = Long.toString(ProcessHandle.current().pid() % 10000, 36);
    static final String BRIDGE = "rvbr" + TAG;
    static final List<String> NAMESPACES = List.of("rv" + TAG + "a", "rv" + TAG + "b", "rv" + TAG + "c");
    static final List<Process> engines = new ArrayList<>();
    static final int PORT = 47601;
    static int discoveryPort;

    @BeforeAll static void up() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "multi-host test skipped: creating network namespaces needs root");
        cleanup();
        try {
            sh("ip link add " + BRIDGE + " type bridge && ip addr add " + NET + "254/24 brd " + NET + "255 dev " + BRIDGE
                    + " && ip link set " + BRIDGE + " up");
            for (int i = 0; i < NAMESPACES.size(); i++) {
                String ns = NAMESPACES.get(i), host = "vh" + TAG + i, peer = "vp" + TAG + i;
                sh("ip netns add " + ns
                        + " && ip link add " + host + " type veth peer name " + peer
                        + " && ip link set " + peer + " netns " + ns
                        + " && ip link set " + host + " master " + BRIDGE + " && ip link set " + host + " up"
                        + " && ip netns exec " + ns + " ip addr add " + NET + (i + 1) + "/24 brd " + NET + "255 dev " + peer
                        + " && ip netns exec " + ns + " ip link set " + peer + " up"
                        + " && ip netns exec " + ns + " ip link set lo up");
            }
        } catch (IOException e) {
            cleanup();
            Assumptions.abort("multi-host test skipped: this machine forbids network namespaces (" + e.getMessage() + ")");
        }
        discoveryPort = Cluster.freeUdpPort();
        // This JVM is the client, on the bridge; the third host is reachable only as an explicit peer.
        System.setProperty("river.bind", NET + "254");
        System.setProperty("river.discovery.port", Integer.toString(discoveryPort));
        System.setProperty("river.beacon.ms", "200");
        System.setProperty("river.peers", NET + "3:" + PORT);
        for (int i = 0; i < NAMESPACES.size(); i++) {
            boolean broadcast = i < 2;
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", NAMESPACES.get(i)));
            cmd.addAll(LocalEngines.javaCommand());
            cmd.addAll(List.of("dev.river.cli.RiverCli", "engine", "--bind", NET + (i + 1), "--port", Integer.toString(PORT),
                    "--name", "host" + (i + 1), "--discovery-port", broadcast ? Integer.toString(discoveryPort) : "0",
                    "--broadcast", NET + "255", "--beacon-interval", "200", "--log-level", "warning"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            engines.add(p);
            String first = new String(p.getInputStream().readNBytes(LocalEngines.READY.length()), StandardCharsets.UTF_8);
            assertEquals(LocalEngines.READY, first, "engine in " + NAMESPACES.get(i) + " did not start");
            pipeRest(p, "host" + (i + 1));
        }
    }

    @AfterAll static void down() throws Exception {
        for (Process p : engines) p.destroy();
        for (Process p : engines) p.waitFor(10, TimeUnit.SECONDS);
        cleanup();
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

    private static void sh(String cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException(cmd + " failed: " + out.strip());
    }

    private static void cleanup() throws InterruptedException {
        try {
            for (String ns : NAMESPACES) new ProcessBuilder("ip", "netns", "del", ns).start().waitFor();
            new ProcessBuilder("ip", "link", "del", BRIDGE).start().waitFor();
        } catch (IOException e) {
            // nothing to clean
        }
    }
}
