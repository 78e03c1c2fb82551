package dev.river.discovery;

import dev.river.core.VmInfo;
import dev.river.security.FrameAuth;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The beacon payload: one line of {@code |}-separated fields after the {@link #PREFIX}, then the
 * sender's clock (ms) and an HMAC-SHA256 (hex) of everything before it, made with the cluster secret.
 * Text on purpose, so that a capture ({@code tcpdump -A udp port 47600}) is readable.
 */
final class Beacons {
    static final byte[] PREFIX = "RIVER1|".getBytes(StandardCharsets.US_ASCII);
    private static final int FIELDS = 10;
    private static final java.util.HexFormat HEX = java.util.HexFormat.of();

    private Beacons() {}

    static byte[] encode(VmInfo vm, boolean wildcardHost, FrameAuth auth) {
        String s = new String(PREFIX, StandardCharsets.US_ASCII) + String.join("|",
                vm.id().toString(), clean(vm.name()), wildcardHost ? "" : vm.host(), Integer.toString(vm.port()),
                Integer.toString(vm.cores()), Long.toString(vm.memory()), String.format(java.util.Locale.ROOT, "%.2f", vm.load()),
                Integer.toString(vm.vrs()), vm.allocated() ? "1" : "0",
                vm.tags().stream().map(Beacons::clean).sorted().collect(Collectors.joining(",")),
                Long.toString(System.currentTimeMillis()));
        byte[] signed = s.getBytes(StandardCharsets.UTF_8);
        return (s + "|" + HEX.formatHex(auth.mac(signed))).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses and authenticates a beacon; a host left empty by a VM bound to all interfaces is taken
     * from the sender. Throws {@link SecurityException} for a beacon without a valid MAC, or one that
     * is replayed or stale.
     */
    static VmInfo decode(byte[] beacon, InetAddress sender, FrameAuth auth) {
        String s = new String(beacon, StandardCharsets.UTF_8);
        if (!s.startsWith("RIVER1|")) throw new IllegalArgumentException("not a River beacon");
        int macAt = s.lastIndexOf('|');
        if (macAt < 0) throw new SecurityException("beacon without a MAC");
        byte[] mac;
        try {
            mac = HEX.parseHex(s.substring(macAt + 1));
        } catch (IllegalArgumentException e) {
            throw new SecurityException("beacon with a malformed MAC");
        }
        if (!auth.verify(s.substring(0, macAt).getBytes(StandardCharsets.UTF_8), mac)) {
            throw new SecurityException("beacon from " + sender + " is not signed with this cluster's secret");
        }
        String[] f = s.substring(PREFIX.length, macAt).split("\\|", -1);
        if (f.length != FIELDS + 1) throw new IllegalArgumentException("beacon has " + f.length + " fields, expected " + (FIELDS + 1));
        UUID id = UUID.fromString(f[0]);
        long stamp = Long.parseLong(f[FIELDS]);
        if (!auth.accept(id, stamp, stamp)) throw new ReplayedBeacon();
        String host = f[2].isEmpty() ? sender.getHostAddress() : f[2];
        Set<String> tags = f[9].isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(f[9].split(",")));
        return new VmInfo(id, f[1], host, port(f[3]), Integer.parseInt(f[4]), Long.parseLong(f[5]),
                Double.parseDouble(f[6]), Integer.parseInt(f[7]), "1".equals(f[8]), tags);
    }

    /** A beacon seen before (ZBeacon repeats one until it is refreshed) or too old: ignored quietly. */
    static final class ReplayedBeacon extends RuntimeException {
        ReplayedBeacon() {
            super("replayed or stale beacon", null, false, false);
        }
    }

    private static int port(String s) {
        int p = Integer.parseInt(s);
        if (p <= 0 || p > 65535) throw new IllegalArgumentException("bad port " + s);
        return p;
    }

    private static String clean(String s) {
        return s.replace('|', '_').replace(',', '_');
    }
}
