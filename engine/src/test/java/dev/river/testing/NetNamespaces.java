package dev.river.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Hosts for multi-host tests on one machine: network namespaces joined by veth pairs to a bridge in
 * the root namespace, which holds the {@link #client()} address. Needs root; {@link #create} throws
 * {@link IOException} where namespaces are forbidden, so a test can skip with the reason.
 *
 * <pre>{@code
 * try (NetNamespaces net = NetNamespaces.create(3)) {
 *     net.address(0);                 // 10.77.x.1, inside net.name(0)
 * }
 * }</pre>
 */
public final class NetNamespaces implements AutoCloseable {
    private final String prefix;
    private final String bridge;
    private final List<String> names;

    private NetNamespaces(String prefix, String bridge, List<String> names) {
        this.prefix = prefix;
        this.bridge = bridge;
        this.names = names;
    }

    public static NetNamespaces create(int n) throws IOException, InterruptedException {
        long pid = ProcessHandle.current().pid();
        String tag = Long.toString(pid % 40000, 36);
        String prefix = "10.77." + (10 + (int) (pid % 200)) + ".";
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) names.add("rv" + tag + (char) ('a' + i));
        NetNamespaces net = new NetNamespaces(prefix, "rvbr" + tag, names);
        net.close();   // leftovers of a crashed run with the same pid
        try {
            sh("ip link add " + net.bridge + " type bridge && ip addr add " + prefix + "254/24 brd " + prefix + "255 dev "
                    + net.bridge + " && ip link set " + net.bridge + " up");
            for (int i = 0; i < n; i++) {
                String ns = names.get(i), host = "vh" + tag + i, peer = "vp" + tag + i;
                sh("ip netns add " + ns
                        + " && ip link add " + host + " type veth peer name " + peer
                        + " && ip link set " + peer + " netns " + ns
                        + " && ip link set " + host + " master " + net.bridge + " && ip link set " + host + " up"
                        + " && ip netns exec " + ns + " ip addr add " + net.address(i) + "/24 brd " + prefix + "255 dev " + peer
                        + " && ip netns exec " + ns + " ip link set " + peer + " up"
                        + " && ip netns exec " + ns + " ip link set lo up");
            }
        } catch (IOException e) {
            net.close();
            throw e;
        }
        return net;
    }

    /** The namespace of host {@code i}. */
    public String name(int i) {
        return names.get(i);
    }

    /** The address of host {@code i}. */
    public String address(int i) {
        return prefix + (i + 1);
    }

    /** This JVM's address on the bridge. */
    public String client() {
        return prefix + "254";
    }

    public String broadcast() {
        return prefix + "255";
    }

    public int size() {
        return names.size();
    }

    /** {@code ip netns exec NAME} followed by {@code cmd}. */
    public List<String> exec(int i, List<String> cmd) {
        List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", names.get(i)));
        out.addAll(cmd);
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            for (String ns : names) new ProcessBuilder("ip", "netns", "del", ns).redirectErrorStream(true).start().waitFor();
            new ProcessBuilder("ip", "link", "del", bridge).redirectErrorStream(true).start().waitFor();
        } catch (IOException e) {
            // nothing to clean
        }
    }

    static void sh(String cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException(cmd + " failed: " + out.strip());
    }
}
