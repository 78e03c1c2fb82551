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
     * @throws MagicException if it does not compile (the message says why); what it throws, if it throws
     */
    Object evaluate(String expression);

    /**
     * Cell code (statements, then maybe an expression) as a lambda body block that returns the value of
     * its last expression, or null when it ends with a statement: {@code "int x = 2;\nx * 21"} becomes
     * {@code "{ int x = 2;\nreturn (x * 21); }"}.
     *
     * @throws MagicException if the code declares methods, classes or imports (a block cannot)
     */
    String returningBlock(String code);

    /** The declared return type of the cell method {@code name} taking {@code arity} arguments, or null if there is none. */
    String returnType(String name, int arity);

    /** The values of the notebook's variables that hold a {@code type}, the most recently defined first. */
    <T> List<T> variables(Class<T> type);

    /** Declares (or replaces) the notebook variable {@code name} of Java type {@code type}, holding {@code value}. */
    void define(String name, String type, Object value);

    /**
     * {@code fn} as an instance of the functional interface {@code type}: {@code fn} may name a method
     * defined in a cell that takes {@code arity} arguments (then a lambda calling it is made), or be any
     * expression of that type (a variable, a lambda, a method reference). A lambda is typed with the
     * first of {@code targetTypes} (full generic types such as {@code Task<List<String>, Object>}) it
     * compiles with.
     *
     * @throws MagicException if {@code fn} is neither
     */
    <T> T function(String fn, Class<T> type, int arity, List<String> targetTypes);

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
