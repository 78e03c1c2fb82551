package dev.river.cli;

import dev.river.core.LocalEngines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code river engines N | stop | list}: engines in the background on this node, with their pids in
 * {@code ~/.river/run} and their logs in {@code ~/.river/logs}.
 */
@Command(name = "engines", mixinStandardHelpOptions = true,
        description = "Start N engines in the background (`river engines 2`), list them (`river engines list`),"
                + " or stop them (`river engines stop`). Extra options go to each engine (see `river engine --help`).")
final class EnginesCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "N (engines to start), stop, or list")
    String what;

    @Unmatched
    List<String> engineOptions = new ArrayList<>();

    static Path home() {
        return Path.of(System.getProperty("user.home"), ".river");
    }

    @Override
    public Integer call() throws Exception {
        switch (what) {
            case "stop": return stop();
            case "list": case "status": return list();
            default:
                int n;
                try {
                    n = Integer.parseInt(what);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("expected a number of engines, 'stop' or 'list', not '" + what + "'");
                }
                if (n < 1) throw new IllegalArgumentException("start at least 1 engine");
                return start(n);
        }
    }

    private int start(int n) throws IOException, InterruptedException {
        Path run = Files.createDirectories(home().resolve("run"));
        Path logs = Files.createDirectories(home().resolve("logs"));
        for (int i = 0; i < n; i++) {
            String stamp = Long.toString(System.currentTimeMillis(), 36) + i;
            Path log = logs.resolve("engine-" + stamp + ".log");
            List<String> cmd = new ArrayList<>(LocalEngines.javaCommand());
            cmd.addAll(List.of("dev.river.cli.RiverCli", "engine", "--log", log.toString()));
            cmd.addAll(engineOptions);
            Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
            String ready = awaitReady(p, log);
            Files.writeString(run.resolve(p.pid() + ".pid"), ready + "\n");
            System.out.println("started engine pid " + p.pid() + " at " + ready.replaceAll(".*address=(\\S+).*", "$1") + " (log " + log + ")");
        }
        return 0;
    }

    /** Reads the engine's ready line from its stdout; after it, the engine writes to its log only. */
    private static String awaitReady(Process p, Path log) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith(LocalEngines.READY)) return line;
            }
        }
        throw new IllegalStateException("engine exited at start:\n" + Files.readString(log));
    }

    private static List<Path> pidFiles() throws IOException {
        Path run = home().resolve("run");
        if (!Files.isDirectory(run)) return List.of();
        try (var s = Files.list(run)) {
            return s.filter(f -> f.toString().endsWith(".pid")).sorted().toList();
        }
    }

    private int list() throws IOException {
        int alive = 0;
        for (Path f : pidFiles()) {
            long pid = Long.parseLong(f.getFileName().toString().replace(".pid", ""));
            Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            if (h.isEmpty()) {
                Files.deleteIfExists(f);
                continue;
            }
            alive++;
            System.out.println("pid " + pid + "  " + Files.readString(f).strip().replace(LocalEngines.READY + " ", ""));
        }
        if (alive == 0) System.out.println("no engines started by this user on this node");
        return 0;
    }

    private int stop() throws IOException {
        int stopped = 0;
        for (Path f : pidFiles()) {
            long pid = Long.parseLong(f.getFileName().toString().replace(".pid", ""));
            Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            if (h.isPresent() && isEngine(h.get())) {
                h.get().destroy();
                try {
                    h.get().onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    h.get().destroyForcibly();
                }
                stopped++;
            }
            Files.deleteIfExists(f);
        }
        System.out.println(stopped == 0 ? "no engines to stop" : "stopped " + stopped + " engine(s)");
        return 0;
    }

    private static boolean isEngine(ProcessHandle h) {
        return h.info().arguments().map(a -> String.join(" ", a).contains("dev.river.cli.RiverCli")).orElse(true);
    }
}
