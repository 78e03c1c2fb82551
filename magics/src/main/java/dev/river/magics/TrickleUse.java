package dev.river.magics;

import dev.river.trickle.Trickle;

/**
 * The Trickle session a magic runs on: the notebook variable named by {@code --trickle}; else the
 * newest open session held by a notebook variable (its engines are allocated to it, so another session
 * would not get them); else one connected for this magic alone and closed after it (so the engines stay
 * free for your own sessions).
 */
final class TrickleUse implements AutoCloseable {
    private final Trickle trickle;
    private final boolean own;

    private TrickleUse(Trickle trickle, boolean own) {
        this.trickle = trickle;
        this.own = own;
    }

    static TrickleUse of(MagicContext ctx, String variable) {
        if (variable == null) {
            for (Trickle t : ctx.variables(Trickle.class)) {
                if (!t.isClosed()) return new TrickleUse(t, false);
            }
            return new TrickleUse(ctx.session().connectTrickle(), true);
        }
        Object v = ctx.evaluate(variable);
        if (!(v instanceof Trickle t)) {
            throw new MagicException("--trickle " + variable + " is " + (v == null ? "null" : "a " + v.getClass().getName()) + ", not a Trickle session");
        }
        return new TrickleUse(t, false);
    }

    Trickle get() {
        return trickle;
    }

    @Override
    public void close() {
        if (own) trickle.close();
    }
}
