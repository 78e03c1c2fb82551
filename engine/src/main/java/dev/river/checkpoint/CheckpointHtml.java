package dev.river.checkpoint;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * HTML tables of checkpoint state, as the {@code %river checkpoint} magic shows them inline in a
 * notebook (plain Java users can print the records instead).
 *
 * <pre>{@code
 * String html = CheckpointHtml.vrs(Checkpoints.of(driver).show());
 * }</pre>
 */
public final class CheckpointHtml {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private CheckpointHtml() {}

    /** One row per VR: id, VM, class, state, style, checkpoint() calls, queue, bytes saved, epoch. */
    public static String vrs(List<VrStatus> vrs) {
        StringBuilder sb = open("VR", "VM", "class", "state", "style", "calls", "queued", "checkpointed", "epoch");
        for (VrStatus s : vrs) {
            row(sb, s.uuid().toString().substring(0, 8), s.vm(), simple(s.className()), s.state(), s.style(),
                    Long.toString(s.calls()), s.queued() < 0 ? "" : Integer.toString(s.queued()),
                    s.lastEpoch() == 0 ? "" : bytes(s.checkpointBytes()), s.lastEpoch() == 0 ? "" : Long.toString(s.lastEpoch()));
        }
        return close(sb, vrs.size() + " VRs");
    }

    /** One row per checkpoint: epoch, time, VRs, total size, largest VR, time frozen. */
    public static String epochs(List<Checkpoint> checkpoints) {
        StringBuilder sb = open("epoch", "time", "VRs", "size", "largest VR", "frozen");
        for (Checkpoint c : checkpoints) {
            long max = c.vrs().stream().mapToLong(Checkpoint.SavedVr::bytes).max().orElse(0);
            row(sb, Long.toString(c.epoch()), TIME.format(c.time()), Integer.toString(c.vrCount()), bytes(c.bytes()),
                    bytes(max), c.frozen().toMillis() + " ms");
        }
        return close(sb, checkpoints.size() + " checkpoints");
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1 << 20) return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        if (n < 1L << 30) return String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
        return String.format(Locale.ROOT, "%.2f GiB", n / 1073741824.0);
    }

    private static String simple(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    private static StringBuilder open(String... headers) {
        StringBuilder sb = new StringBuilder("<table class=\"river-checkpoint\">\n<thead><tr>");
        for (String h : headers) sb.append("<th>").append(escape(h)).append("</th>");
        return sb.append("</tr></thead>\n<tbody>\n");
    }

    private static void row(StringBuilder sb, String... cells) {
        sb.append("<tr>");
        for (String c : cells) sb.append("<td>").append(escape(c)).append("</td>");
        sb.append("</tr>\n");
    }

    private static String close(StringBuilder sb, String caption) {
        return sb.append("</tbody>\n<caption>").append(escape(caption)).append("</caption>\n</table>").toString();
    }

    static String escape(String s) {
        if (s == null) return "";
        StringBuilder out = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }
}
