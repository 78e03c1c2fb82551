package dev.river.cli;

import dev.river.core.Engine;
import dev.river.core.LocalEngines;
import dev.river.core.NodeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code river engine}: one River VM in the foreground, until SIGTERM / Ctrl-C. */
@Command(name = "engine", mixinStandardHelpOptions = true,
        description = "Run one River engine (a VM) in the foreground until SIGTERM or Ctrl-C.")
final class EngineCommand implements Callable<Integer> {
    @Option(names = "--port", description = "Message port (0: any free port). Default: ${DEFAULT-VALUE}")
    int port = 0;

    @Option(names = "--bind", description = "Address to bind (0.0.0.0 for all interfaces). Default: RIVER_BIND or 127.0.0.1")
    String bind;

    @Option(names = "--discovery-port", description = "UDP port of discovery beacons (0: no broadcast). Default: RIVER_DISCOVERY_PORT or 47600")
    Integer discoveryPort;

    @Option(names = "--broadcast", description = "Broadcast address for beacons. Default: 127.255.255.255 when bound to loopback, else 255.255.255.255")
    String broadcast;

    @Option(names = "--beacon-interval", description = "Milliseconds between beacons. Default: RIVER_BEACON_MS or 1000")
    Long beaconMs;

    @Option(names = "--peers", split = ",", description = "Explicit peers host:port,... (for networks without broadcast)")
    List<String> peers = List.of();

    @Option(names = "--hosts", description = "File of peers, one host:port per line")
    Path hosts;

    @Option(names = "--name", description = "Engine name shown in tables. Default: host:port")
    String name;

    @Option(names = "--cores", description = "Cores this engine offers. Default: all")
    Integer cores;

    @Option(names = "--tags", split = ",", description = "User tags, e.g. gpu,bigmem")
    List<String> tags = List.of();

    @Option(names = "--max-frame-mb", description = "Largest message part accepted, in MiB (bigger ones cut the connection). Default: RIVER_MAX_FRAME_MB or 1024")
    Long maxFrameMb;

    @Option(names = "--queue-limit-mb", description = "Unread bytes one VR may hold before senders get an error, in MiB. Default: RIVER_QUEUE_MB or 1024")
    Long queueLimitMb;

    @Option(names = "--log-level", description = "error, warning, info, debug. Default: info")
    String logLevel = "info";

    @Option(names = "--log", description = "After start-up, append stdout and stderr to this file (used by `river engines N`)")
    Path log;

    @Option(names = "--parent-pid", hidden = true, description = "Exit when this process exits (local engines)")
    Long parentPid;

    @Override
    public Integer call() throws Exception {
        Logging.configure(logLevel);
        if (maxFrameMb != null) System.setProperty("river.max.frame.mb", Long.toString(maxFrameMb));
        if (queueLimitMb != null) System.setProperty("river.queue.mb", Long.toString(queueLimitMb));
        NodeConfig c = NodeConfig.engine();
        if (bind != null) c = c.withBind(bind);
        if (discoveryPort != null) c = c.withDiscoveryPort(discoveryPort);
        if (broadcast != null) c = c.withBroadcast(broadcast);
        if (beaconMs != null) c = c.withBeaconInterval(Duration.ofMillis(beaconMs));
        Set<String> allPeers = new LinkedHashSet<>(c.peers());
        for (String p : peers) allPeers.addAll(NodeConfig.parsePeers(p));
        if (hosts != null) allPeers.addAll(NodeConfig.readHostsFile(hosts));
        c = c.withPeers(allPeers).withPort(port).withTags(Set.copyOf(tags));
        if (name != null) c = c.withName(name);
        if (cores != null) {
            if (cores < 1) throw new IllegalArgumentException("--cores must be at least 1");
            c = c.withCores(cores);
        }
        Engine engine = Engine.start(c);
        Runtime.getRuntime().addShutdownHook(new Thread(engine::close, "river-shutdown"));
        if (parentPid != null) {
            ProcessHandle.of(parentPid).ifPresentOrElse(
                    h -> h.onExit().thenRun(() -> System.exit(0)),
                    () -> System.exit(0));
        }
        System.out.println(LocalEngines.READY + " id=" + engine.id() + " address=" + engine.address() + " name=" + engine.name());
        System.out.flush();
        if (log != null) {
            java.io.PrintStream out = new java.io.PrintStream(new java.io.FileOutputStream(log.toFile(), true), true);
            System.setOut(out);
            System.setErr(out);
            Logging.configure(logLevel);   // re-attach the console handler to the new stderr
        }
        System.getLogger("dev.river.engine").log(System.Logger.Level.INFO,
                "engine " + engine.name() + " serving at " + engine.address() + " (discovery port " + c.discoveryPort() + ")");
        engine.awaitStop();
        return 0;
    }
}
