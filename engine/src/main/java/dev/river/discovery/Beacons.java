package dev.river.discovery;

import dev.river.core.VmInfo;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The beacon payload: one line of {@code |}-separated fields after the {@link #PREFIX}. Text on
 * purpose, so that a capture ({@code tcpdump -A udp port 47600}) is readable.
 */
final class Beacons {
    static final byte[] PREFIX = "RIVER1|".getBytes(StandardCharsets.US_ASCII);
    private static final int FIELDS = 10;

    private Beacons() {}

    static byte[] encode(VmInfo vm, boolean wildcardHost) {
        String s = new String(PREFIX, StandardCharsets.US_ASCII) + String.join("|",
                vm.id().toString(), clean(vm.name()), wildcardHost ? "" : vm.host(), Integer.toString(vm.port()),
                Integer.toString(vm.cores()), Long.toString(vm.memory()), String.format(java.util.Locale.ROOT, "%.2f", vm.load()),
                Integer.toString(vm.vrs()), vm.allocated() ? "1" : "0",
                vm.tags().stream().map(Beacons::clean).sorted().collect(Collectors.joining(",")));
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Parses a beacon; a host left empty by a VM bound to all interfaces is taken from the sender. */
    static VmInfo decode(byte[] beacon, InetAddress sender) {
        String s = new String(beacon, StandardCharsets.UTF_8);
        if (!s.startsWith("RIVER1|")) throw new IllegalArgumentException("not a River beacon");
        String[] f = s.substring(PREFIX.length).split("\\|", -1);
        if (f.length != FIELDS) throw new IllegalArgumentException("beacon has " + f.length + " fields, expected " + FIELDS);
        String host = f[2].isEmpty() ? sender.getHostAddress() : f[2];
        Set<String> tags = f[9].isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(f[9].split(",")));
        return new VmInfo(UUID.fromString(f[0]), f[1], host, port(f[3]), Integer.parseInt(f[4]), Long.parseLong(f[5]),
                Double.parseDouble(f[6]), Integer.parseInt(f[7]), "1".equals(f[8]), tags);
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
