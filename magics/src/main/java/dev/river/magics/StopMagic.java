package dev.river.magics;

import picocli.CommandLine.Command;

/**
 * {@code %river stop}: stops the local engines this kernel started. Java: {@code LocalEngines.close()}.
 *
 * <pre>{@code
 * %river stop      // "stopped 2 local engines"
 * }</pre>
 */
@Command(name = "stop", description = "Stop the local engines this kernel started (with %%river start).")
public final class StopMagic implements RiverMagic {
    @Override
    public Object run(MagicContext ctx) {
        int n = ctx.session().stop();
        if (n == 0) {
            return Rich.text("no local engines to stop (engines started in a terminal with `river engines N` stop with `river engines stop`)");
        }
        return Rich.text("stopped " + n + " local engine" + (n == 1 ? "" : "s"));
    }
}
