package dev.river.magics;

import java.io.PrintStream;
import java.util.List;

/**
 * What a magic may use of the kernel running it: the notebook's River {@link Session}, evaluation of
 * Java in the notebook's scope, the classes of cell definitions, the cell body of a cell magic, and
 * output. The River kernel implements it; another JShell kernel can implement it to host the magics.
 *
 * <pre>{@code
 * Object items = ctx.evaluate("lines");                       // a variable defined in a cell
 * List<Class<?>> code = ctx.definitions("countWords");        // the class holding that cell method
 * ctx.session().inject(code);
 * }</pre>
 */
public interface MagicContext {
    /** The notebook's River session: its driver VR and the local engines it started. */
    Session session();

    /**
     * Evaluates a Java expression in the notebook (the cells' variables, methods, classes and imports in
     * scope) and returns its value.
     *
     * @throws MagicException if it does not compile or throws; the message says why
     */
    Object evaluate(String expression);

    /**
     * {@code fn} as an instance of the functional interface {@code type}: {@code fn} may name a method
     * defined in a cell that takes {@code arity} arguments (then a lambda calling it is made), or be any
     * expression of that type (a variable, a lambda, a method reference).
     *
     * @throws MagicException if {@code fn} is neither
     */
    <T> T function(String fn, Class<T> type, int arity);

    /**
     * The classes holding the current cell definitions named {@code name}: a method's wrapper class, a
     * class, record, interface or enum (with the wrapper it is nested in). Empty if no cell defines it.
     *
     * @throws MagicException if {@code name} is a variable (code is shipped, values are not)
     */
    List<Class<?>> definitions(String name);

    /** For a cell magic, the cell after its first line; null for a line magic. */
    String cellBody();

    /** Output that appears while the cell runs and can be updated in place. */
    Display display();

    /** The cell's standard output. */
    PrintStream out();
}
