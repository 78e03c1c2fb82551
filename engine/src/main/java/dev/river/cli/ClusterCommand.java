package dev.river.cli;

import dev.river.core.River;
import dev.river.core.VirtualResource;
import dev.river.core.VmInfo;
import dev.river.security.ClusterSecret;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code river cluster start|stop|status --hosts FILE}: engines on many hosts over SSH, with the
 * cluster secret copied to each first (so they accept each other and this client).
 *
 * <p>Hosts file: one host per line, {@code TARGET [ADDRESS]}: TARGET is what the remote shell gets
 * ({@code node7}, {@code me@node7}); ADDRESS is where the engine binds and is reached (default: the
 * host part of TARGET). {@code #} starts a comment.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Start, stop or list River engines on the hosts of a hosts file, over SSH.")
final class ClusterCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "start, stop or status")
    String action;

    @Option(names = "--hosts", required = true, description = "Hosts file: TARGET [ADDRESS] per line")
    Path hosts;

    @Option(names = "--ssh", description = "Remote shell; {host} is replaced by TARGET, the command is appended as one argument."
            + " Default: ${DEFAULT-VALUE}")
    String ssh = "ssh -o BatchMode=yes {host}";

    @Option(names = "--river", description = "The river launcher on the hosts. Default: this installation's path")
    String river;

    @Option(names = "--port", description = "Engine port on every host. Default: ${DEFAULT-VALUE}")
    int port = 47601;

    @Option(names = "--engine-options", description = "Extra options for each engine, e.g. \"--cores 8 --tags gpu\"")
    String engineOptions = "";

    record Host(String target, String address) {}

    @Override
    public Integer call() throws Exception {
        List<Host> list = readHosts(hosts);
        switch (action) {
            case "start": return start(list);
            case "stop": return each(list, "engines stop");
            case "status": return status(list);
            default: throw new IllegalArgumentException("cluster action must be start, stop or status, not '" + action + "'");
        }
    }

    static List<Host> readHosts(Path file) throws IOException {
        List<Host> out = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(file)) {
            n++;
            String l = line.replaceFirst("#.*", "").trim();
            if (l.isEmpty()) continue;
            String[] f = l.split("\\s+");
            if (f.length > 2) throw new IllegalArgumentException(file + " line " + n + ": expected TARGET [ADDRESS], got '" + l + "'");
            String address = f.length == 2 ? f[1] : f[0].replaceFirst("^.*@", "");
            out.add(new Host(f[0], address));
        }
        if (out.isEmpty()) throw new IllegalArgumentException(file + " lists no hosts");
        return out;
    }

    private String launcher() {
        if (river != null) return river;
        String home = System.getProperty("river.home");
        if (home == null) throw new IllegalArgumentException("say where river is on the hosts with --river PATH");
        return home + "/install/river";
    }

    private int start(List<Host> list) throws Exception {
        byte[] secret = Files.readAllBytes(secretFile());
        List<String> peers = list.stream().map(h -> h.address() + ":" + port).toList();
        int failed = 0;
        for (Host h : list) {
            // Written beside and renamed, so an engine starting on that host never reads half a key.
            Result copy = remote(h, "umask 077 && mkdir -p ~/.river && cat > ~/.river/secret.tmp && mv ~/.river/secret.tmp ~/.river/secret", secret);
            if (copy.code() != 0) {
                System.err.println(h.target() + ": copying the cluster secret failed: " + copy.out().strip());
                failed++;
                continue;
            }
            List<String> others = peers.stream().filter(p -> !p.equals(h.address() + ":" + port)).toList();
            String cmd = launcher() + " engines 1 --bind " + h.address() + " --port " + port + " --name " + h.address()
                    + (others.isEmpty() ? "" : " --peers " + String.join(",", others)) + " " + engineOptions;
            Result r = remote(h, cmd.strip(), null);
            System.out.println(h.target() + ": " + (r.code() == 0 ? r.out().strip() : "FAILED (" + r.code() + ") " + r.out().strip()));
            if (r.code() != 0) failed++;
        }
        System.out.println("started " + (list.size() - failed) + " of " + list.size() + " engines; clients reach them with RIVER_PEERS="
                + String.join(",", peers));
        return failed == 0 ? 0 : 1;
    }

    private int each(List<Host> list, String what) throws Exception {
        int failed = 0;
        for (Host h : list) {
            Result r = remote(h, launcher() + " " + what, null);
            System.out.println(h.target() + ": " + r.out().strip());
            if (r.code() != 0) failed++;
        }
        return failed == 0 ? 0 : 1;
    }

    private int status(List<Host> list) {
        System.setProperty("river.peers", String.join(",", list.stream().map(h -> h.address() + ":" + port).toList()));
        VirtualResource me = River.attach("cluster-status");
        List<VmInfo> vms = me.discover();
        System.out.print(Tables.text(vms));
        return vms.size() >= list.size() ? 0 : 1;
    }

    private static Path secretFile() {
        ClusterSecret.load();   // creates it if this is the first use
        String f = System.getenv("RIVER_SECRET_FILE");
        return f != null ? Path.of(f) : ClusterSecret.defaultFile();
    }

    record Result(int code, String out) {}

    private Result remote(Host h, String command, byte[] stdin) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        for (String part : ssh.trim().split("\\s+")) cmd.add(part.replace("{host}", h.target()));
        cmd.add(command);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (stdin != null) p.getOutputStream().write(stdin);
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(124, "timed out: " + String.join(" ", cmd));
        }
        return new Result(p.exitValue(), out);
    }
}
