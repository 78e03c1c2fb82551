package dev.river.kernel;

import jdk.jshell.execution.LoaderDelegate;
import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

import java.io.File;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * JShell's in-process execution engine ({@link LocalExecutionControl}: snippets run on a thread of their
 * own, and {@code stop()} uses JShell's own stop mechanism on every JDK — a thread stop on 17, stop
 * checks woven into the loaded classes on the JDKs that removed it), plus three things the kernel needs:
 * <ul>
 *   <li>every class JShell loads is recorded, as javac wrote it, in {@link CellClasses} (code shipping);</li>
 *   <li>classes are defined in a {@link CellClassLoader} the kernel owns (its class path, its resources);</li>
 *   <li>the value a snippet computed is kept as an object (not only JShell's string of it), so the kernel
 *       can display it richly and magics can use it.</li>
 * </ul>
 * Interrupting also interrupts the snippet's thread, so that blocking calls (a {@code recv}, a sleep)
 * return at once.
 */
final class CaptureExecutionControl extends LocalExecutionControl {
    private final CellClasses classes;
    private final BooleanSupplier stopRequested;
    private volatile SnippetTrampoline.Invocation running;
    private volatile Object lastValue;

    private CaptureExecutionControl(Delegate delegate, CellClasses classes, BooleanSupplier stopRequested) {
        super(delegate);
        this.classes = classes;
        this.stopRequested = stopRequested;
    }

    /** The provider to give {@code JShell.builder().executionEngine(...)}. */
    static ExecutionControlProvider provider(CellClassLoader loader, CellClasses classes, BooleanSupplier stopRequested,
                                             java.util.function.Consumer<CaptureExecutionControl> created) {
        return new ExecutionControlProvider() {
            @Override public String name() {
                return "river-local";
            }

            @Override public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                CaptureExecutionControl ec = new CaptureExecutionControl(new Delegate(loader), classes, stopRequested);
                created.accept(ec);
                return ec;
            }
        };
    }

    @Override
    public void load(ClassBytecodes[] cbcs) throws ClassInstallException, NotImplementedException, EngineTerminationException {
        for (ClassBytecodes c : cbcs) classes.record(c.name(), c.bytecodes());
        super.load(cbcs);
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        if (stopRequested.getAsBoolean()) throw new StoppedException();
        SnippetTrampoline.Invocation inv = new SnippetTrampoline.Invocation(doitMethod);
        lastValue = null;
        running = inv;
        SnippetTrampoline.CURRENT.set(inv);
        try {
            String shown = super.invoke(SnippetTrampoline.METHOD);
            lastValue = inv.value;
            return shown;
        } finally {
            SnippetTrampoline.CURRENT.remove();
            running = null;
        }
    }

    /** The object the last invoked snippet computed (null for statements and declarations without value). */
    Object lastValue() {
        return lastValue;
    }

    @Override
    public void stop() throws EngineTerminationException, InternalException {
        super.stop();
        SnippetTrampoline.Invocation inv = running;
        Thread t = inv == null ? null : inv.thread;
        if (t != null) t.interrupt();
    }

    /** Defines JShell's classes in the kernel's {@link CellClassLoader}. */
    private static final class Delegate implements LoaderDelegate {
        private final CellClassLoader loader;
        private final Map<String, Class<?>> loaded = new ConcurrentHashMap<>();

        Delegate(CellClassLoader loader) {
            this.loader = loader;
        }

        @Override
        public void load(ClassBytecodes[] cbcs) throws ClassInstallException {
            boolean[] installed = new boolean[cbcs.length];
            for (ClassBytecodes c : cbcs) loader.declare(c.name(), c.bytecodes());
            try {
                for (int i = 0; i < cbcs.length; i++) {
                    Class<?> k = loader.loadClass(cbcs[i].name());
                    loaded.put(cbcs[i].name(), k);
                    installed[i] = true;
                    k.getDeclaredMethods();   // link now, so that a broken class fails here and not mid-run
                }
            } catch (Throwable t) {
                throw new ClassInstallException("load: " + t.getMessage(), installed);
            }
        }

        @Override
        public void classesRedefined(ClassBytecodes[] cbcs) {
            for (ClassBytecodes c : cbcs) loader.declare(c.name(), c.bytecodes());
        }

        @Override
        public void addToClasspath(String path) {
            for (String p : path.split(File.pathSeparator)) if (!p.isBlank()) loader.addPath(p);
        }

        @Override
        public Class<?> findClass(String name) throws ClassNotFoundException {
            Class<?> k = loaded.get(name);
            return k != null ? k : loader.loadClass(name);
        }
    }
}
