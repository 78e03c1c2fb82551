package dev.river.magics;

import dev.river.core.VmInfo;

import java.util.List;
import java.util.Locale;

/**
 * Engine tables, as {@code %river engines} shows them; the kernel uses the same for a
 * {@code List<VmInfo>} value in a cell.
 *
 * <pre>{@code
 * Rich table = Engines.table(River.attach("me").discover());
 * }</pre>
 */
public final class Engines {
    private Engines() {}

    public static Rich table(List<VmInfo> vms) {
        if (vms.isEmpty()) {
            return Rich.of("no engines found. Start local ones with `%river start 2` (or `river engines 2` in a terminal),"
                            + " or point at remote ones with RIVER_PEERS=host:port\n",
                    "<p>No engines found. Start local ones with <code>%river start 2</code> (or <code>river engines 2</code>"
                            + " in a terminal), or point at remote ones with <code>RIVER_PEERS=host:port</code>.</p>");
        }
        Table t = new Table("name", "address", "cores", "memory", "load", "VRs", "state", "tags");
        int cores = 0;
        for (VmInfo v : vms) {
            t.row(v.name(), v.address(), v.cores(), (v.memory() >> 20) + " MB",
                    v.load() < 0 ? "-" : String.format(Locale.ROOT, "%.2f", v.load()), v.vrs(), v.state(), String.join(",", v.tags()));
            cores += v.cores();
        }
        return t.caption(vms.size() + (vms.size() == 1 ? " engine, " : " engines, ") + cores + " cores").toRich();
    }
}
