package dev.river.mpi.impl;

/**
 * What {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt} become in the classes of an
 * rMPI program (the rank's class loader rewrites the calls): the rank ends with that status, and the
 * engine's JVM keeps running. The calling thread unwinds with {@link RankTermination}.
 *
 * <p>Public only because rewritten program classes call it.
 */
public final class RankExit {
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private RankExit() {}

    /** Replaces {@code System.exit(status)}. */
    public static void exit(int status) {
        throw end(status, "System.exit(" + status + ")", WALKER.getCallerClass());
    }

    /** Replaces {@code Runtime.getRuntime().exit(status)}. */
    public static void runtimeExit(Runtime runtime, int status) {
        throw end(status, "Runtime.exit(" + status + ")", WALKER.getCallerClass());
    }

    /** Replaces {@code Runtime.getRuntime().halt(status)}. */
    public static void runtimeHalt(Runtime runtime, int status) {
        throw end(status, "Runtime.halt(" + status + ")", WALKER.getCallerClass());
    }

    private static RankTermination end(int status, String what, Class<?> caller) {
        RankContext ctx = RankContext.current();
        if (ctx == null) ctx = RankContext.forLoader(caller.getClassLoader());
        if (ctx == null) return new RankTermination(status, what + " in a thread of an rMPI program that has ended");
        return ctx.end(status, "rank " + ctx.rank + " called " + what);
    }
}
