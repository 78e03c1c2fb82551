package dev.river.magics;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code %river inject NAME...}: ships the classes of named cell definitions to every engine now, rather
 * than on first use. Java: {@code driver.inject(vms, classes)} or Trickle's {@code inject}.
 *
 * <pre>{@code
 * %river inject wordcount mergecounts Point
 * }</pre>
 */
@Command(name = "inject", description = "Ship the named cell definitions (methods, classes, records, interfaces) to every engine.")
public final class InjectMagic implements RiverMagic {
    @Parameters(paramLabel = "NAME", arity = "1..*", description = "Names of methods, classes, records, interfaces or enums defined in cells.")
    List<String> names;

    @Override
    public Object run(MagicContext ctx) {
        Set<Class<?>> classes = new LinkedHashSet<>();
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            List<Class<?>> defs = ctx.definitions(name);
            if (defs.isEmpty()) missing.add(name);
            classes.addAll(defs);
        }
        if (!missing.isEmpty()) {
            throw new MagicException("no cell defines " + String.join(", ", missing)
                    + " (run the cell that defines it first; names are case-sensitive)");
        }
        int engines = ctx.session().engines().size();
        if (engines == 0) throw new MagicException("no engines to inject into: start some with %river start N");
        long bytes = ctx.session().inject(classes);
        return Rich.text(String.format(Locale.ROOT, "injected %s into %d engine%s (%d class%s, %.1f KB)",
                String.join(", ", names), engines, engines == 1 ? "" : "s", classes.size(), classes.size() == 1 ? "" : "es", bytes / 1024.0));
    }
}
