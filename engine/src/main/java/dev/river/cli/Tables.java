package dev.river.cli;

import dev.river.core.VmInfo;

import java.util.List;
import java.util.Locale;

/** Engine tables for the terminal. */
final class Tables {
    private Tables() {}

    static String text(List<VmInfo> vms) {
        if (vms.isEmpty()) {
            return "no engines found. Start some with `river engines 2`, or point at remote ones with RIVER_PEERS=host:port\n";
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-24s %-22s %5s %8s %6s %4s %-9s %s%n",
                "NAME", "ADDRESS", "CORES", "MEMORY", "LOAD", "VRS", "STATE", "TAGS"));
        for (VmInfo v : vms) {
            sb.append(String.format(Locale.ROOT, "%-24s %-22s %5d %7dM %6.2f %4d %-9s %s%n", v.name(), v.address(), v.cores(),
                    v.memory() >> 20, v.load(), v.vrs(), v.state(), String.join(",", v.tags())));
        }
        return sb.append(vms.size()).append(vms.size() == 1 ? " engine\n" : " engines\n").toString();
    }

    static String json(List<VmInfo> vms) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < vms.size(); i++) {
            VmInfo v = vms.get(i);
            if (i > 0) sb.append(',');
            sb.append(String.format(Locale.ROOT,
                    "{\"id\":\"%s\",\"name\":\"%s\",\"address\":\"%s\",\"cores\":%d,\"memory\":%d,\"load\":%.2f,\"vrs\":%d,\"state\":\"%s\",\"tags\":[%s]}",
                    v.id(), v.name(), v.address(), v.cores(), v.memory(), v.load(), v.vrs(), v.state(),
                    String.join(",", v.tags().stream().map(t -> "\"" + t + "\"").toList())));
        }
        return sb.append("]\n").toString();
    }
}
