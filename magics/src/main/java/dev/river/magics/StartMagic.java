package dev.river.magics;

import dev.river.core.VmInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code %river start N}: N engines on this machine, child processes of the kernel. Java:
 * {@code River.startLocalEngines(n)}.
 *
 * <pre>{@code
 * %river start 2
 * %river start 1 --cores 1 --tags gpu
 * }</pre>
 */
@Command(name = "start", description = "Start N local engines (child processes of the kernel; they stop with %%river stop or with the kernel).")
public final class StartMagic implements RiverMagic {
    @Parameters(paramLabel = "N", description = "How many engines to start.")
    int n;

    @Option(names = "--cores", paramLabel = "C", description = "Cores each engine offers (default: all).")
    Integer cores;

    @Option(names = "--tags", paramLabel = "TAG", split = ",", description = "Tags for the engines, e.g. --tags gpu,bigmem")
    List<String> tags = new ArrayList<>();

    @Override
    public Object run(MagicContext ctx) {
        if (n < 1) throw new MagicException("start needs at least 1 engine, not " + n);
        if (n > 256) throw new MagicException("start " + n + " local engines? At most 256 on one machine");
        if (cores != null && cores < 1) throw new MagicException("--cores must be at least 1");
        List<String> opts = new ArrayList<>();
        if (cores != null) opts.addAll(List.of("--cores", cores.toString()));
        if (!tags.isEmpty()) opts.addAll(List.of("--tags", String.join(",", tags)));
        List<VmInfo> started = ctx.session().start(n, opts);
        Rich table = Engines.table(started);
        String head = "started " + n + " local engine" + (n == 1 ? "" : "s");
        return Rich.of(head + "\n" + table.text(), "<p>" + head + "</p>" + table.html());
    }
}
