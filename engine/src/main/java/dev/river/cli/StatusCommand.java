package dev.river.cli;

import dev.river.core.River;
import dev.river.core.VirtualResource;
import dev.river.core.VmInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code river status}: the engines discovered, as a table. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "List the engines discovered (beacons and explicit peers).")
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Override
    public Integer call() {
        VirtualResource me = River.attach("status");
        List<VmInfo> vms = me.discover();
        System.out.print(json ? Tables.json(vms) : Tables.text(vms));
        return 0;
    }
}
