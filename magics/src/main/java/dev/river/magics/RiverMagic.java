package dev.river.magics;

/**
 * One {@code %river} subcommand. An implementation is a picocli {@code @Command} class (its name is the
 * subcommand, its options and parameters are the magic's arguments) with a public no-argument
 * constructor, listed in {@code META-INF/services/dev.river.magics.RiverMagic}; {@link Magics} finds it
 * there, so a module plugs in a magic by shipping the class and that line. Each call gets a fresh
 * instance, filled in by picocli, then {@link #run}.
 *
 * <pre>{@code
 * @Command(name = "hello", description = "Greets the engines.")
 * public final class HelloMagic implements RiverMagic {
 *     @Parameters(paramLabel = "WHO", defaultValue = "world") String who;
 *
 *     @Override public Object run(MagicContext ctx) {
 *         return "hello " + who + " from " + ctx.session().engines().size() + " engines";
 *     }
 * }
 * }</pre>
 */
public interface RiverMagic {
    /**
     * Does the work. The value returned is the cell's result (a {@link Rich} shows as HTML with a text
     * fallback; null shows nothing). Throw {@link MagicException} for a wrong argument: the user sees its
     * message and the magic's usage, never a stack trace.
     */
    Object run(MagicContext context) throws Exception;

    /** Whether this is a cell magic ({@code %%river NAME} on a cell's first line, the rest of the cell as its body). */
    default boolean cellMagic() {
        return false;
    }
}
