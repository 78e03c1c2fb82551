package dev.river.core;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** Explicit peers, for networks that drop broadcast: no beacons at all in this class. */
class PeersTest {
    static LocalEngines engines;
    static int p1, p2;

    @BeforeAll static void up() throws IOException {
        p1 = freeTcpPort();
        p2 = freeTcpPort();
        // broadcast discovery off, both for the engines and for this JVM
        System.setProperty("river.discovery.port", "0");
        System.setProperty("river.beacon.ms", "200");
        Path hosts = Files.createTempFile("river-hosts", ".txt");
        Files.writeString(hosts, "# test cluster\n127.0.0.1:" + p1 + "\n\n127.0.0.1:" + p2 + "   # second\n");
        System.setProperty("river.hosts", hosts.toString());
        NodeConfig cfg = NodeConfig.client();
        engines = LocalEngines.start(1, cfg, List.of("--port", Integer.toString(p1)));
        LocalEngines second = LocalEngines.start(1, cfg, List.of("--port", Integer.toString(p2), "--peers", "127.0.0.1:" + p1));
        Runtime.getRuntime().addShutdownHook(new Thread(second::close));
    }

    @AfterAll static void down() {
        engines.close();
    }

    @Test
    void peersFromAHostsFileAreDiscoveredWithoutBroadcast() {
        assertEquals(Set.of("127.0.0.1:" + p1, "127.0.0.1:" + p2), NodeConfig.client().peers());
        List<VmInfo> vms = River.awaitEngines(2, Duration.ofSeconds(20));
        assertEquals(Set.of("127.0.0.1:" + p1, "127.0.0.1:" + p2), vms.stream().map(VmInfo::address).collect(Collectors.toSet()));
        VirtualResource d = River.attach("peers");
        List<VrId> kids = d.deploy(vms, SfmTest.Echo.class);
        for (VrId k : kids) {
            d.send(k, "ping", k.vm());
            assertEquals(k.vm(), d.recv(Duration.ofSeconds(20), "src", k).getString("ping"));
            d.send(k, "stop", true);
        }
    }

    @Test
    void malformedPeersAreRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeConfig.parsePeers("host1:47601,host2"));
        assertTrue(e.getMessage().contains("'host2'") && e.getMessage().contains("host:port"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NodeConfig.parsePeers("h:99999"));
        assertTrue(e.getMessage().contains("port"), e.getMessage());
    }

    static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
