package dev.river.kernel;

import dev.river.magics.MagicException;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.MethodSnippet;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.TypeDeclSnippet;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Java cells on JShell: a cell is cut into snippets (imports, declarations, statements, expressions) and
 * run in order; the last expression's value is kept as an object. Errors come back as {@link CellError}s
 * that point at the cell's own lines: a compile error with the line and a caret, an exception with the
 * frames that are in cells (named by cell and line), never JShell's internals.
 *
 * <p>Classes compiled from cells are captured in {@link #classes()} (code shipping) and live in
 * {@link #loader()}.
 *
 * <p>Threads: JShell is not thread-safe, so every use of it holds {@code lock}; {@link #stop()} does not
 * (it must reach a running snippet) and is safe from any thread.
 */
final class JavaCells implements AutoCloseable {
    /** Imports every notebook starts with; River's packages are added when present. */
    static final List<String> DEFAULT_IMPORTS = List.of("java.util.*", "java.util.function.*", "java.util.stream.*",
            "java.util.concurrent.*", "java.io.*", "java.nio.file.*", "java.time.*", "java.math.*");
    static final List<String> RIVER_IMPORTS = List.of("dev.river.core.*", "dev.river.trickle.*", "dev.river.mapreduce.*");

    /** The result of running code: whether its last snippet was an expression, and that value. */
    record Outcome(boolean hasValue, Object value, String shown) {
        static final Outcome NONE = new Outcome(false, null, null);
    }

    private final Object lock = new Object();
    private final CellClasses classes = new CellClasses();
    private final CellClassLoader loader;
    private final JShell jshell;
    private final SourceCodeAnalysis analysis;
    private final Tracebacks tracebacks = new Tracebacks();
    private final CellAnalysis cellAnalysis;
    private final CellDefinitions definitions;
    private volatile CaptureExecutionControl control;

    /**
     * @param classPath     what cells compile against (the kernel's class path: River, Trickle, the magics)
     * @param stopRequested polled before each snippet runs: true once the cell has been interrupted
     */
    JavaCells(String classPath, BooleanSupplier stopRequested) {
        this.loader = new CellClassLoader(JavaCells.class.getClassLoader(), classes);
        this.jshell = JShell.builder()
                .executionEngine(CaptureExecutionControl.provider(loader, classes, stopRequested, ec -> control = ec), Map.of())
                .build();
        this.analysis = jshell.sourceCodeAnalysis();
        this.cellAnalysis = new CellAnalysis(analysis, lock);
        this.definitions = new CellDefinitions(this, jshell, lock);
        // the kernel's own class path is compiled against, and reaches cells at run time through the
        // cell loader's parent (a --class-path compiler option would hide later %classpath additions)
        for (String p : classPath.split(File.pathSeparator)) {
            if (!p.isBlank()) {
                loader.inherited(p);
                jshell.addToClasspath(p);
            }
        }
    }

    /** Adds the default imports (River's when they are on the class path). */
    void importDefaults() {
        List<String> imports = new ArrayList<>(DEFAULT_IMPORTS);
        for (String r : RIVER_IMPORTS) {
            String pkg = r.substring(0, r.length() - 2);
            if (JavaCells.class.getClassLoader().getDefinedPackage(pkg) != null || packageExists(pkg)) imports.add(r);
        }
        synchronized (lock) {
            for (String i : imports) {
                for (SnippetEvent e : jshell.eval("import " + i + ";")) {
                    if (e.status() == Snippet.Status.REJECTED) {
                        System.getLogger(JavaCells.class.getName()).log(System.Logger.Level.WARNING, "default import " + i + " rejected");
                    }
                }
            }
        }
    }

    private static boolean packageExists(String pkg) {
        return JavaCells.class.getClassLoader().getResource(pkg.replace('.', '/')) != null;
    }

    CellClasses classes() {
        return classes;
    }

    /** The cells' class loader, which is also the ClassSource engines fetch the notebook's classes from. */
    CellClassLoader loader() {
        return loader;
    }

    /** Adds jars or directories (separated by the path separator) for compiling and running cells. */
    void addToClasspath(String path) {
        synchronized (lock) {
            for (String p : path.split(File.pathSeparator)) {
                if (!p.isBlank()) jshell.addToClasspath(p);
            }
        }
    }

    /** Interrupts the snippet running now, if any (JShell's stop, plus an interrupt of its thread). */
    void stop() {
        jshell.stop();
    }

    // ---------------------------------------------------------------- running

    /**
     * Runs Java code: {@code code} is the part of cell {@code cell} (execution count) starting at 0-based
     * line {@code firstLine}.
     *
     * @throws CellError at the first snippet that does not compile or throws; later snippets do not run
     */
    Outcome run(String code, int cell, int firstLine, BooleanSupplier interrupted) {
        synchronized (lock) {
            tracebacks.current(cell);
            Outcome last = Outcome.NONE;
            String rest = code;
            while (!rest.isBlank()) {
                if (interrupted.getAsBoolean()) throw CellError.interrupted();
                SourceCodeAnalysis.CompletionInfo ci = analysis.analyzeCompletion(rest);
                if (ci.completeness() == SourceCodeAnalysis.Completeness.EMPTY) break;
                String source;
                String remaining;
                if (ci.completeness().isComplete()) {
                    source = ci.source();
                    remaining = ci.remaining();
                } else {   // incomplete or unparseable: hand the rest to JShell, which reports what is wrong
                    source = rest;
                    remaining = "";
                }
                int offset = code.length() - rest.length();
                // JShell numbers a snippet's lines from its first character, but mis-maps a snippet that
                // starts with blank lines: hand it over from its first non-blank character
                int lead = 0;
                while (lead < source.length() && Character.isWhitespace(source.charAt(lead))) lead++;
                last = runSnippet(source.substring(lead), cell, firstLine + Tracebacks.lines(code, offset + lead), code,
                        offset + lead, firstLine, interrupted);
                rest = remaining;
            }
            if (interrupted.getAsBoolean()) throw CellError.interrupted();
            return last;
        }
    }

    private Outcome runSnippet(String source, int cell, int line, String code, int offset, int firstLine, BooleanSupplier interrupted) {
        int known = classes.count();
        List<SnippetEvent> events = jshell.eval(source);
        tracebacks.classes(classes.since(known), cell);
        Outcome out = Outcome.NONE;
        for (SnippetEvent e : events) {
            if (e.causeSnippet() != null) continue;       // dependents updated by this snippet
            Snippet s = e.snippet();
            tracebacks.snippet(s.id(), cell, line);
            if (e.status() == Snippet.Status.REJECTED) {
                throw Tracebacks.compileError(jshell.diagnostics(s).filter(Diag::isError).toList(), code, offset, firstLine);
            }
            if (e.exception() != null) {
                // an interrupt shows up as whatever the code was doing (InterruptedException, ThreadDeath...)
                throw interrupted.getAsBoolean() ? CellError.interrupted() : runtimeError(e.exception());
            }
            if (e.status() == Snippet.Status.RECOVERABLE_DEFINED || e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                System.err.println(pending((DeclarationSnippet) s));
            }
            if (isExpression(s)) {
                CaptureExecutionControl ec = control;
                out = new Outcome(true, ec == null ? null : ec.lastValue(), e.value());
            } else {
                out = Outcome.NONE;
            }
        }
        return out;
    }

    private static boolean isExpression(Snippet s) {
        return s.kind() == Snippet.Kind.EXPRESSION
                || (s.kind() == Snippet.Kind.VAR && s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND);
    }

    private String pending(DeclarationSnippet s) {
        List<String> deps = jshell.unresolvedDependencies(s).toList();
        return "note: " + describe(s) + " is defined, but cannot be used until "
                + (deps.isEmpty() ? "its errors are fixed" : String.join(", ", deps) + (deps.size() == 1 ? " is" : " are") + " defined");
    }

    private static String describe(Snippet s) {
        if (s instanceof MethodSnippet m) return "method " + m.name() + "(" + m.parameterTypes() + ")";
        if (s instanceof TypeDeclSnippet t) return "type " + t.name();
        if (s instanceof VarSnippet v) return "variable " + v.name();
        return "snippet";
    }

    // ---------------------------------------------------------------- errors

    private CellError runtimeError(JShellException ex) {
        if (ex instanceof UnresolvedReferenceException u) {
            DeclarationSnippet s = u.getSnippet();
            String msg = describe(s) + " cannot run until " + String.join(", ", jshell.unresolvedDependencies(s).toList()) + " is defined";
            return new CellError("UnresolvedReference", msg, List.of(CellError.BOLD_RED + "UnresolvedReference" + CellError.RESET + ": " + msg));
        }
        return tracebacks.exception(ex);
    }

    /** An exception from engines, with cell classes named by their cell (see Tracebacks#remoteReport). */
    List<String> remoteReport(Throwable e) {
        return tracebacks.remoteReport(e);
    }

    // ---------------------------------------------------------------- magics support

    /**
     * Evaluates an expression for a magic and returns its value.
     *
     * @throws MagicException if it does not compile; a {@link CellError} if it throws
     */
    Object evaluate(String expression) {
        synchronized (lock) {
            int known = classes.count();
            List<SnippetEvent> events = jshell.eval(expression.strip());
            tracebacks.classes(classes.since(known), 0);
            Object value = null;
            for (SnippetEvent e : events) {
                if (e.causeSnippet() != null) continue;
                Snippet s = e.snippet();
                tracebacks.snippet(s.id(), 0, 0);
                try {
                    if (e.status() == Snippet.Status.REJECTED) {
                        String why = jshell.diagnostics(s).filter(Diag::isError).map(d -> d.getMessage(Locale.ROOT).split("\n")[0])
                                .findFirst().orElse("not a Java expression");
                        throw new MagicException("'" + expression.strip() + "' does not compile: " + why);
                    }
                    if (e.exception() != null) throw runtimeError(e.exception());
                    if (!isExpression(s)) throw new MagicException("'" + expression.strip() + "' is not an expression");
                    CaptureExecutionControl ec = control;
                    value = ec == null ? null : ec.lastValue();
                } finally {
                    if (s instanceof VarSnippet v && v.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND) jshell.drop(s);
                }
            }
            return value;
        }
    }

    /** Cell code as a lambda block returning its last expression's value (see MagicContext#returningBlock). */
    String returningBlock(String code) {
        synchronized (lock) {
            List<String> parts = new ArrayList<>();
            String rest = code;
            while (!rest.isBlank()) {
                SourceCodeAnalysis.CompletionInfo ci = analysis.analyzeCompletion(rest);
                if (ci.completeness() == SourceCodeAnalysis.Completeness.EMPTY) break;
                if (!ci.completeness().isComplete()) {
                    throw new MagicException("the code is incomplete or does not parse: " + rest.strip().split("\n", 2)[0]);
                }
                parts.add(ci.source());
                rest = ci.remaining();
            }
            StringBuilder statements = new StringBuilder("{");
            for (int i = 0; i < parts.size(); i++) {
                String p = parts.get(i);
                List<Snippet> snippets = analysis.sourceToSnippets(p);
                Snippet s = snippets.isEmpty() ? null : snippets.get(0);
                if (s != null && (s.kind() == Snippet.Kind.IMPORT || s.kind() == Snippet.Kind.METHOD || s.kind() == Snippet.Kind.TYPE_DECL)) {
                    throw new MagicException("code run on engines is a block of statements: it cannot declare methods, classes or"
                            + " imports (define them in a cell before, they ship by themselves): " + p.strip().split("\n", 2)[0]);
                }
                if (i < parts.size() - 1) statements.append('\n').append(statement(p));
            }
            if (parts.isEmpty()) return "{ return null; }";
            String last = parts.get(parts.size() - 1).strip();
            String expr = last;
            while (expr.endsWith(";")) expr = expr.substring(0, expr.length() - 1).strip();
            // whether the last part is an expression depends on the block's own variables: let javac decide
            String returning = statements + "\nreturn (" + expr + ");\n}";
            if (compiles("(java.util.concurrent.Callable<Object>) () -> " + returning)) return returning;
            return statements + "\n" + statement(last) + "\nreturn null;\n}";
        }
    }

    private static String statement(String part) {
        String p = part.strip();
        return p.endsWith(";") || p.endsWith("}") ? p : p + ";";
    }

    /** Whether an expression compiles in the notebook's scope (it is evaluated, so it must be side-effect free). */
    private boolean compiles(String expression) {
        boolean ok = true;
        for (SnippetEvent e : jshell.eval(expression)) {
            if (e.causeSnippet() != null) continue;
            if (e.status() == Snippet.Status.REJECTED || e.exception() != null) ok = false;
            if (e.status().isActive()) jshell.drop(e.snippet());
        }
        return ok;
    }

    /** The declared return type of the cell method {@code name} with {@code arity} parameters, or null. */
    String returnType(String name, int arity) {
        return definitions.returnType(name, arity);
    }

    /** Values of active variables holding a {@code type}, newest first (declared types naming it are checked first, cheaply). */
    <T> List<T> variables(Class<T> type) {
        List<VarSnippet> vars;
        synchronized (lock) {
            vars = new ArrayList<>(jshell.variables().filter(v -> jshell.status(v).isDefined()
                    && (v.typeName().equals(type.getSimpleName()) || v.typeName().equals(type.getName()))).toList());
        }
        java.util.Collections.reverse(vars);
        List<T> out = new ArrayList<>();
        for (VarSnippet v : vars) {
            Object value = evaluate(v.name());
            if (type.isInstance(value)) out.add(type.cast(value));
        }
        return out;
    }

    /** Declares the variable {@code name} of {@code type} holding {@code value} (as Object if the type does not resolve). */
    void define(String name, String type, Object value) {
        synchronized (lock) {
            for (String t : List.of(type, "Object")) {
                String key = Handoff.put(value);
                String src = t + " " + name + " = (" + t + ") dev.river.kernel.Handoff.take(\"" + key + "\");";
                boolean ok = true;
                for (SnippetEvent e : jshell.eval(src)) {
                    if (e.causeSnippet() != null) continue;
                    if (e.status() == Snippet.Status.REJECTED || e.exception() != null) ok = false;
                }
                if (ok) return;
                try {
                    Handoff.take(key);
                } catch (IllegalStateException alreadyTaken) {
                    // the snippet ran and failed after taking it
                }
            }
            throw new MagicException("could not define the notebook variable " + name);
        }
    }

    /** {@code fn} as a {@code type}: a cell method taking {@code arity} arguments (wrapped in a lambda), or an expression. */
    <T> T function(String fn, Class<T> type, int arity, List<String> targetTypes) {
        return definitions.function(fn, type, arity, targetTypes);
    }

    /**
     * The classes holding the current definitions named {@code name}: a method's wrapper class (one per
     * overload), or a type with the wrapper it is nested in.
     */
    List<Class<?>> definitions(String name) {
        return definitions.definitions(name);
    }

    // ---------------------------------------------------------------- completion, inspection, is_complete

    /** Completion, inspection and is_complete on this JShell. */
    CellAnalysis analysis() {
        return cellAnalysis;
    }

    @Override
    public void close() {
        synchronized (lock) {
            jshell.close();
        }
    }
}
