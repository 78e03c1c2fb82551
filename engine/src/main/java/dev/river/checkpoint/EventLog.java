package dev.river.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The restores and migrations of an application, one line each in {@code <root>/<app>/EVENTS}, next to
 * the epochs (saves have their manifests): {@code KIND TAB epoch TAB start TAB millis TAB uuid=host:port;...}.
 * Written by the VM that restores or migrates, after it succeeded; a history only, never needed to
 * restore, so a line that cannot be written or read is logged and skipped.
 */
final class EventLog {
    private static final System.Logger LOG = System.getLogger(EventLog.class.getName());
    static final String NAME = "EVENTS";

    private final Path file;

    EventLog(Path appDir) {
        this.file = appDir.resolve(NAME);
    }

    void append(CheckpointHistory.Kind kind, long epoch, Instant start, Map<UUID, String> vms) {
        StringBuilder line = new StringBuilder().append(kind).append('\t').append(epoch).append('\t').append(start).append('\t')
                .append(Duration.between(start, Instant.now()).toMillis()).append('\t');
        String sep = "";
        for (Map.Entry<UUID, String> e : vms.entrySet()) {
            line.append(sep).append(e.getKey()).append('=').append(e.getValue());
            sep = ";";
        }
        try {
            Files.createDirectories(file.getParent());
            // one write per line, so lines of two VMs appending at once do not interleave
            Files.writeString(file, line.append('\n'), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot record the " + kind.name().toLowerCase() + " in " + file + ": " + e.getMessage());
        }
    }

    List<CheckpointHistory.Event> read() {
        if (!Files.exists(file)) return List.of();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read " + file + ": " + e.getMessage());
            return List.of();
        }
        List<CheckpointHistory.Event> out = new ArrayList<>();
        for (String l : lines) {
            if (l.isBlank()) continue;
            try {
                out.add(parse(l));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "skipping a malformed line of " + file + " (" + e.getMessage() + "): " + l);
            }
        }
        return out;
    }

    static CheckpointHistory.Event parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 5) throw new IllegalArgumentException("5 tab-separated fields expected, not " + f.length);
        Map<UUID, String> vms = new LinkedHashMap<>();
        for (String p : f[4].split(";")) {
            if (p.isEmpty()) continue;
            int eq = p.indexOf('=');
            if (eq < 0) throw new IllegalArgumentException("'uuid=host:port' expected, not '" + p + "'");
            vms.put(UUID.fromString(p.substring(0, eq)), p.substring(eq + 1));
        }
        return new CheckpointHistory.Event(CheckpointHistory.Kind.valueOf(f[0]), Long.parseLong(f[1]), Instant.parse(f[2]),
                Duration.ofMillis(Long.parseLong(f[3])), vms, Map.of());
    }
}
