package dev.river.core;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How a River VM runs: where it listens, how it discovers peers, what it offers.
 *
 * <p>Defaults come from the environment, so that programs, the kernel and the launcher agree without
 * flags: {@code RIVER_BIND} (default 127.0.0.1), {@code RIVER_DISCOVERY_PORT} (default 47600, 0 turns
 * broadcast discovery off), {@code RIVER_PEERS} (host:port,...), {@code RIVER_HOSTS} (a file of
 * host:port lines; default {@code ~/.river/hosts} when it exists), {@code RIVER_BEACON_MS} (1000).
 *
 * @param name      shown in tables; null means host:port
 * @param bind      address the VM's port binds to; 0.0.0.0 binds all interfaces
 * @param port      message port, 0 for any free port
 * @param announce  whether to offer this VM to others (engines do; embedded clients do not)
 */
public record NodeConfig(String name, String bind, int port, int discoveryPort, String broadcast,
                         Duration beaconInterval, Set<String> peers, int cores, Set<String> tags,
                         boolean announce) {

    public static final int DEFAULT_DISCOVERY_PORT = 47600;

    /** An embedded (client) VM configured from the environment. */
    public static NodeConfig client() {
        return fromEnvironment(false);
    }

    /** An engine configured from the environment (flags override fields with the {@code with} methods). */
    public static NodeConfig engine() {
        return fromEnvironment(true);
    }

    private static NodeConfig fromEnvironment(boolean announce) {
        String bind = env("RIVER_BIND", "127.0.0.1");
        int dport = Integer.parseInt(env("RIVER_DISCOVERY_PORT", Integer.toString(DEFAULT_DISCOVERY_PORT)));
        Duration interval = Duration.ofMillis(Long.parseLong(env("RIVER_BEACON_MS", "1000")));
        Set<String> peers = new LinkedHashSet<>(parsePeers(env("RIVER_PEERS", "")));
        String hosts = env("RIVER_HOSTS", null);
        Path hostsFile = hosts != null ? Path.of(hosts) : Path.of(System.getProperty("user.home"), ".river", "hosts");
        if (hosts != null || Files.isRegularFile(hostsFile)) peers.addAll(readHostsFile(hostsFile));
        return new NodeConfig(null, bind, 0, dport, null, interval, peers,
                Runtime.getRuntime().availableProcessors(), Set.of(), announce);
    }

    /** The broadcast address beacons go to: the loopback broadcast for a loopback-bound VM, else the limited broadcast. */
    public String broadcastAddress() {
        if (broadcast != null) return broadcast;
        try {
            return InetAddress.getByName(bind).isLoopbackAddress() ? "127.255.255.255" : "255.255.255.255";
        } catch (UnknownHostException e) {
            throw new RiverException("unknown bind address '" + bind + "'", e);
        }
    }

    /** Whether the VM binds every interface (then beacons let receivers fill in the host). */
    public boolean wildcard() {
        return "0.0.0.0".equals(bind) || "*".equals(bind);
    }

    public NodeConfig withName(String v) { return new NodeConfig(v, bind, port, discoveryPort, broadcast, beaconInterval, peers, cores, tags, announce); }
    public NodeConfig withBind(String v) { return new NodeConfig(name, v, port, discoveryPort, broadcast, beaconInterval, peers, cores, tags, announce); }
    public NodeConfig withPort(int v) { return new NodeConfig(name, bind, v, discoveryPort, broadcast, beaconInterval, peers, cores, tags, announce); }
    public NodeConfig withDiscoveryPort(int v) { return new NodeConfig(name, bind, port, v, broadcast, beaconInterval, peers, cores, tags, announce); }
    public NodeConfig withBroadcast(String v) { return new NodeConfig(name, bind, port, discoveryPort, v, beaconInterval, peers, cores, tags, announce); }
    public NodeConfig withBeaconInterval(Duration v) { return new NodeConfig(name, bind, port, discoveryPort, broadcast, v, peers, cores, tags, announce); }
    public NodeConfig withPeers(Set<String> v) { return new NodeConfig(name, bind, port, discoveryPort, broadcast, beaconInterval, Set.copyOf(v), cores, tags, announce); }
    public NodeConfig withCores(int v) { return new NodeConfig(name, bind, port, discoveryPort, broadcast, beaconInterval, peers, v, tags, announce); }
    public NodeConfig withTags(Set<String> v) { return new NodeConfig(name, bind, port, discoveryPort, broadcast, beaconInterval, peers, cores, Set.copyOf(v), announce); }

    /** Parses {@code host:port,host:port}; fails with a clear message on a malformed entry. */
    public static List<String> parsePeers(String csv) {
        List<String> out = new java.util.ArrayList<>();
        for (String p : csv.split("[,\\s]+")) {
            if (p.isBlank()) continue;
            int c = p.lastIndexOf(':');
            if (c <= 0 || c == p.length() - 1) {
                throw new IllegalArgumentException("peer '" + p + "' is not host:port (for example 10.0.0.5:47601)");
            }
            try {
                int port = Integer.parseInt(p.substring(c + 1));
                if (port <= 0 || port > 65535) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("peer '" + p + "' has no valid port (1-65535)");
            }
            out.add(p);
        }
        return out;
    }

    /** Reads a hosts file: one host:port per line, blank lines and # comments ignored. */
    public static List<String> readHostsFile(Path file) {
        try {
            List<String> out = new java.util.ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                String l = line.replaceFirst("#.*", "").trim();
                if (!l.isEmpty()) out.addAll(parsePeers(l));
            }
            return out;
        } catch (IOException e) {
            throw new RiverException("cannot read hosts file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Largest message part a VM accepts, in bytes ({@code RIVER_MAX_FRAME_MB}, default 1024): bigger ones cut the connection. */
    public static long maxFrameBytes() {
        return Long.parseLong(env("RIVER_MAX_FRAME_MB", "1024")) << 20;
    }

    /** Bytes of undelivered messages one VR may hold ({@code RIVER_QUEUE_MB}, default 1024); more are refused. */
    public static long queueLimitBytes() {
        return Long.parseLong(env("RIVER_QUEUE_MB", "1024")) << 20;
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        if (v == null) v = System.getProperty(name.toLowerCase(java.util.Locale.ROOT).replace('_', '.'));
        return v == null || v.isBlank() ? dflt : v.trim();
    }
}
