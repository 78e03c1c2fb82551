package dev.river.magics;

import dev.river.core.VmInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;

/**
 * {@code %river engines} (or {@code %river discover}): the engines discovered, as a table.
 *
 * <pre>{@code
 * %river engines            // what discovery sees
 * %river engines --min 2    // at least 2: local engines started for those missing
 * %river engines --wait 4   // wait (up to --timeout) for 4 to show up
 * }</pre>
 * With
 * {@code --min N}, local engines are started for what discovery does not find (the embedded default),
 * so a notebook runs the same on a laptop and on a cluster. Java: {@code River.attach("me").discover()}
 * (a {@code List<VmInfo>} value shows as the same table).
 */
@Command(name = "engines", aliases = "discover",
        description = "Table of the engines discovered (name, address, cores, memory, load, VRs, state, tags).")
public final class EnginesMagic implements RiverMagic {
    @Option(names = "--min", paramLabel = "N",
            description = "Make sure there are at least N engines: start local ones for those discovery does not find.")
    Integer min;

    @Option(names = "--wait", paramLabel = "N", description = "Wait (up to --timeout) until at least N engines are discovered; fail if they do not come.")
    Integer wait;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30", description = "How long --wait waits. Default: ${DEFAULT-VALUE}")
    int timeout;

    @Override
    public Object run(MagicContext ctx) {
        if (wait != null && wait < 1) throw new MagicException("--wait needs a positive number of engines, not " + wait);
        if (min != null && min < 1) throw new MagicException("--min needs a positive number of engines, not " + min);
        if (min != null && wait != null) throw new MagicException("use --min (start what is missing) or --wait (wait for it), not both");
        Session s = ctx.session();
        List<VmInfo> vms;
        String note = null;
        if (wait != null) {
            vms = s.awaitEngines(wait, Duration.ofSeconds(timeout));
            if (vms.size() < wait) {
                throw new MagicException("only " + vms.size() + " of " + wait + " engines were discovered within " + timeout
                        + " s; start some with %river start N, or check RIVER_PEERS / RIVER_DISCOVERY_PORT");
            }
        } else if (min != null) {
            vms = s.engines();
            if (vms.size() < min) {
                int missing = min - vms.size();
                s.start(missing, List.of());
                note = vms.size() + " engine" + (vms.size() == 1 ? "" : "s") + " found; started " + missing + " local engine"
                        + (missing == 1 ? "" : "s") + " (they stop with %river stop or with the kernel)";
                vms = s.engines();
            }
        } else {
            vms = s.engines();
        }
        Rich table = Engines.table(vms);
        if (note == null) return table;
        return Rich.of(note + "\n" + table.text(), "<p>" + Table.escape(note) + "</p>" + table.html());
    }
}
