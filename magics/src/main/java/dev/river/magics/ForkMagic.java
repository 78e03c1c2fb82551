package dev.river.magics;

import dev.river.trickle.Handle;
import dev.river.trickle.Task;
import dev.river.trickle.Trickle;
import dev.river.trickle.Vm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code %%river fork [--targets ...]}: the cell's code runs once on every engine (fork/join); each
 * engine's value and printed output come back as a table. Java: {@code trickle.join(trickle.fork(vms, fn, args))}.
 *
 * <pre>{@code
 * %%river fork --targets 0-1
 * System.out.println("hello from " + ProcessHandle.current().pid());
 * Runtime.getRuntime().availableProcessors()
 * }</pre>
 */
@Command(name = "fork", customSynopsis = "%%%%river fork [--targets=ENGINES] [--out=NAME] [--trickle=T]%n  CODE...",
        description = "Run the rest of the cell on every engine (or --targets) at once and show each engine's value and output.")
public final class ForkMagic implements RiverMagic {
    @Option(names = "--targets", paramLabel = "ENGINES", split = ",",
            description = "Engines to run on: indices (0,2), ranges (0-3) or names, comma-separated. Default: all.")
    List<String> targets;

    @Option(names = "--out", paramLabel = "NAME", description = "Also keep the values (one per engine, in order) in a new notebook variable NAME.")
    String out;

    @Option(names = "--trickle", paramLabel = "T", description = "Run on this Trickle session (a notebook variable) instead of one connected for this magic.")
    String trickle;

    @Override
    public boolean cellMagic() {
        return true;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object run(MagicContext ctx) {
        String body = ctx.cellBody();
        if (body.isBlank()) throw new MagicException("%%river fork needs code below its first line: it runs on every engine");
        if (out != null && !out.matches("[A-Za-z_$][\\w$]*")) throw new MagicException("--out needs a Java variable name, not '" + out + "'");
        Task<Object, ForkOutput> task = (Task<Object, ForkOutput>) ctx.evaluate("(dev.river.trickle.Task<Object, dev.river.magics.ForkOutput>)"
                + " __unused -> dev.river.magics.ForkOutput.capture(() -> " + ctx.returningBlock(body) + ")");
        List<String> names = new ArrayList<>();
        List<ForkOutput> results;
        try (TrickleUse use = TrickleUse.of(ctx, trickle)) {
            Trickle t = use.get();
            List<Vm> vms = select(t.vms());
            for (Vm v : vms) names.add(v.name());
            List<Handle<ForkOutput>> handles = t.fork(vms, task, Collections.nCopies(vms.size(), null));
            results = t.join(handles);
        }
        Table table = new Table("engine", "value", "output");
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            ForkOutput r = results.get(i);
            values.add(r.value());
            table.row(names.get(i), r.value() == null ? "" : String.valueOf(r.value()), r.output().stripTrailing());
        }
        if (out != null) ctx.define(out, "java.util.List<Object>", values);
        return table.caption("ran on " + results.size() + " engine" + (results.size() == 1 ? "" : "s")).toRich();
    }

    private List<Vm> select(List<Vm> all) {
        if (all.isEmpty()) throw new MagicException("no engines to fork on");
        if (targets == null || targets.isEmpty()) return all;
        Set<Vm> chosen = new LinkedHashSet<>();
        for (String t : targets) {
            String spec = t.strip();
            if (spec.matches("\\d+")) {
                chosen.add(at(all, Integer.parseInt(spec)));
            } else if (spec.matches("\\d+-\\d+")) {
                String[] r = spec.split("-");
                int from = Integer.parseInt(r[0]);
                int to = Integer.parseInt(r[1]);
                if (to < from) throw new MagicException("--targets range " + spec + " is empty");
                for (int i = from; i <= to; i++) chosen.add(at(all, i));
            } else {
                Vm byName = all.stream().filter(v -> v.name().equals(spec)).findFirst()
                        .orElseThrow(() -> new MagicException("no engine named " + spec + "; engines: "
                                + String.join(", ", all.stream().map(Vm::name).toList())));
                chosen.add(byName);
            }
        }
        return new ArrayList<>(chosen);
    }

    private static Vm at(List<Vm> all, int i) {
        if (i < 0 || i >= all.size()) throw new MagicException("--targets " + i + ": there are " + all.size() + " engines (0.." + (all.size() - 1) + ")");
        return all.get(i);
    }
}
