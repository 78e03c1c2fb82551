package dev.river.kernel;

import dev.river.magics.MagicException;
import dev.river.magics.MagicSyntax;
import dev.river.magics.Magics;
import dev.river.magics.Session;
import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.ReplacementOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.messages.Message;
import io.github.spencerpark.jupyter.messages.MessageType;
import io.github.spencerpark.jupyter.messages.publish.PublishError;
import io.github.spencerpark.jupyter.messages.publish.PublishExecuteInput;
import io.github.spencerpark.jupyter.messages.publish.PublishExecuteResult;
import io.github.spencerpark.jupyter.messages.reply.ErrorReply;
import io.github.spencerpark.jupyter.messages.reply.ExecuteReply;
import io.github.spencerpark.jupyter.messages.request.ExecuteRequest;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The River Jupyter kernel: cells are Java (JShell), with {@code %river} magics and {@code %classpath}.
 * Jupyter starts it through the kernelspec {@code river kernel install} writes:
 * {@code java -cp <river> dev.river.kernel.RiverKernel CONNECTION_FILE}.
 *
 * <pre>{@code
 * river kernel install          # once
 * jupyter notebook              # pick "River (Java)"
 * }</pre>
 *
 * <p>Threads: Jupyter's socket threads (shell, control, ...) receive requests; cells run on the
 * {@link CellThread}; JShell runs each snippet on a thread of its own. Start-up work (JShell's first
 * compile, the River VM) runs in the background so the kernel answers at once; the first cell waits for
 * it.
 */
public final class RiverKernel extends BaseKernel {
    private static final System.Logger LOG = System.getLogger(RiverKernel.class.getName());
    /** Extra class path for cells, set in the kernelspec or the environment: jars and directories, path-separated. */
    public static final String CLASSPATH_ENV = "RIVER_CLASSPATH";

    private final CellOutput output;
    private final JavaCells cells;
    private final CellThread thread;
    private final CompletableFuture<Void> ready;
    private final CompletableFuture<Session> session;
    private final Magics magics;
    private final NotebookContext context;
    private volatile boolean shutDown;

    RiverKernel(CellOutput output, String classPath, String extraClassPath) {
        this.output = output;
        setShouldReplaceStdStreams(false);    // CellOutput routes the streams itself
        CellThread[] holder = new CellThread[1];
        this.cells = new JavaCells(classPath, () -> holder[0] != null && holder[0].interrupted());
        this.thread = new CellThread(cells.loader(), cells::stop);
        holder[0] = thread;
        this.ready = CompletableFuture.runAsync(() -> {
            cells.importDefaults();
            if (extraClassPath != null && !extraClassPath.isBlank()) cells.addToClasspath(extraClassPath);
        }, daemon("river-init"));
        this.session = CompletableFuture.supplyAsync(() -> Session.attach("notebook", cells.loader(), cells.loader()), daemon("river-attach"));
        this.magics = Magics.load().describe("%classpath PATH...",
                "Add jars or directories (dir/* for every jar in dir) to the class path of cells; their classes ship to engines too.");
        this.context = new NotebookContext(() -> cells, this::session, thread, output);
    }

    private static java.util.concurrent.Executor daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            t.start();
        };
    }

    private Session session() {
        try {
            return session.join();
        } catch (CompletionException e) {
            throw new MagicException("River could not start in this kernel: " + e.getCause().getMessage());
        }
    }

    // ---------------------------------------------------------------- execute

    @Override
    public void becomeHandlerForConnection(JupyterConnection connection) {
        super.becomeHandlerForConnection(connection);
        // our own execute handler: errors keep their real names, outputs are flushed before the reply
        connection.setHandler(MessageType.EXECUTE_REQUEST, this::execute);
        connection.setHandler(MessageType.KERNEL_INFO_REQUEST, (env, request) -> {
            env.setBusyDeferIdle();
            env.reply(new KernelInfo(getLanguageInfo(), getBanner(), getHelpLinks()));
        });
    }

    private void execute(ShellReplyEnvironment env, Message<ExecuteRequest> message) {
        commManager.setMessageContext(message);
        ExecuteRequest request = message.getContent();
        int count = request.isSilent() ? executionCount.get() : executionCount.getAndIncrement();
        env.setBusyDeferIdle();
        if (!request.isSilent()) env.publish(new PublishExecuteInput(request.getCode(), count));
        output.attach(env, request.isStdinEnabled());
        try {
            DisplayData result = thread.run(() -> runCell(request.getCode(), count));
            output.flush();
            if (result != null && !request.isSilent()) env.publish(new PublishExecuteResult(count, result));
            env.defer().reply(new ExecuteReply(count, Map.of()));
        } catch (Exception e) {
            CellError err = e instanceof CellError ce ? ce : internalError(e);
            output.flush();
            env.publish(new PublishError(err.ename(), err.evalue(), err.traceback()));
            ErrorReply reply = new ErrorReply(err.ename(), err.evalue(), err.traceback());
            reply.setExecutionCount(count);
            env.defer().replyError(ExecuteReply.MESSAGE_TYPE.error(), reply);
        } finally {
            output.detach();
        }
    }

    /** Runs one cell on the cell thread: its code and magics in order; returns the last value to show, or null. */
    DisplayData runCell(String code, int count) throws Exception {
        awaitReady();
        showEngineNotices();
        DisplayData shown = null;
        for (MagicSyntax.Part part : MagicSyntax.parse(code)) {
            if (thread.interrupted()) throw CellError.interrupted();
            if (part instanceof MagicSyntax.Code c) {
                JavaCells.Outcome o = thread.java(() -> cells.run(c.source(), count, c.firstLine(), thread::interrupted));
                shown = o.hasValue() ? Values.render(o.value(), o.shown()) : null;
            } else if (part instanceof MagicSyntax.LineMagic m) {
                shown = magic(m.name(), m.args(), null);
            } else if (part instanceof MagicSyntax.CellMagic m) {
                shown = magic(m.name(), m.args(), m.body());
            }
        }
        if (thread.interrupted()) throw CellError.interrupted();
        showEngineNotices();
        return shown;
    }

    /** Engines lost since the last cell (or during this one), on the cell's stderr, where the user looks. */
    private void showEngineNotices() {
        if (!session.isDone() || session.isCompletedExceptionally()) return;
        for (String notice : session.join().takeNotices()) System.err.println("river: " + notice);
    }

    private void awaitReady() {
        try {
            ready.join();
        } catch (CompletionException e) {
            throw new CellError("KernelError", "JShell did not start: " + e.getCause(),
                    List.of("JShell did not start: " + e.getCause() + " (see the kernel's log; restart the kernel)"));
        }
    }

    private DisplayData magic(String name, String args, String body) {
        Object value;
        try {
            if (name.equals("river")) {
                value = magics.run(args, body, context);
            } else if (name.equals("classpath") && body == null) {
                value = classpath(args);
            } else {
                throw new MagicException("unknown magic " + (body == null ? "%" : "%%") + name
                        + ": this kernel has %river (see %river help) and %classpath");
            }
        } catch (MagicException e) {
            if (thread.interrupted()) throw CellError.interrupted();
            List<String> tb = new ArrayList<>();
            tb.add(CellError.BOLD_RED + "UsageError" + CellError.RESET + ": " + e.getMessage());
            if (e.usage() != null) {
                tb.add("");
                tb.addAll(List.of(e.usage().stripTrailing().split("\n")));
            }
            throw new CellError("UsageError", e.getMessage(), tb);
        } catch (CellError e) {
            throw e;
        } catch (Exception e) {
            if (thread.interrupted()) throw CellError.interrupted();
            if (fromEngines(e)) throw new CellError(e.getClass().getSimpleName(), e.getMessage(), cells.remoteReport(e));
            throw magicFailure(name, e);
        }
        if (value == null) return null;
        return Values.render(value, null);
    }

    private static boolean fromEngines(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof dev.river.core.RemoteVrException || c instanceof dev.river.trickle.TaskFailedException) return true;
        }
        return false;
    }

    /** A magic that failed for a reason other than its arguments: the message, without the kernel's stack. */
    private static CellError magicFailure(String name, Exception e) {
        List<String> tb = new ArrayList<>();
        String ename = e.getClass().getSimpleName();
        tb.add(CellError.BOLD_RED + ename + CellError.RESET + ": " + e.getMessage());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            tb.add("Caused by: " + c.getClass().getName() + ": " + c.getMessage());
        }
        if (System.getenv("RIVER_DEBUG") != null) {
            for (StackTraceElement f : e.getStackTrace()) tb.add("\tat " + f);
        }
        return new CellError(ename, "%" + name + ": " + e.getMessage(), tb);
    }

    private static CellError internalError(Exception e) {
        LOG.log(System.Logger.Level.ERROR, "kernel error while running a cell", e);
        List<String> tb = new ArrayList<>();
        tb.add(CellError.BOLD_RED + "KernelError" + CellError.RESET + ": " + e);
        for (StackTraceElement f : e.getStackTrace()) tb.add("\tat " + f);
        return new CellError("KernelError", String.valueOf(e), tb);
    }

    private Object classpath(String args) throws Exception {
        List<String> added = new ArrayList<>();
        for (String word : MagicSyntax.split(args)) {
            for (String entry : word.split(File.pathSeparator)) {
                if (!entry.isBlank()) added.addAll(ClassPaths.expand(entry));
            }
        }
        if (added.isEmpty()) throw new MagicException("%classpath needs a jar or directory: %classpath lib/foo.jar or %classpath lib/*");
        thread.java(() -> {
            cells.addToClasspath(String.join(File.pathSeparator, added));
            return null;
        });
        return dev.river.magics.Rich.text("added to the class path: " + String.join(", ", added));
    }

    /** BaseKernel's entry point for evaluation; the kernel's own execute handler is what Jupyter uses. */
    @Override
    public DisplayData eval(String code) throws Exception {
        return thread.run(() -> runCell(code, executionCount.get()));
    }

    // ---------------------------------------------------------------- completion, inspection, is_complete

    @Override
    public ReplacementOptions complete(String code, int at) {
        awaitReady();
        int lineStart = code.lastIndexOf('\n', at - 1) + 1;
        String line = code.substring(lineStart, Math.min(code.length(), Math.max(lineStart, code.indexOf('\n', at) < 0 ? code.length() : code.indexOf('\n', at))));
        if (line.startsWith("%river ") || line.startsWith("%%river ")) {
            int argsStart = lineStart + line.indexOf(' ') + 1;
            String args = code.substring(argsStart, Math.max(argsStart, at));
            List<String> c = magics.complete(args, args.length());
            int wordStart = argsStart + args.lastIndexOf(' ') + 1;
            return new ReplacementOptions(c, wordStart, at);
        }
        if (line.startsWith("%")) {
            List<String> names = new ArrayList<>();
            for (String m : List.of("%river", "%%river", "%classpath")) if (m.startsWith(code.substring(lineStart, at))) names.add(m);
            return new ReplacementOptions(names, lineStart, at);
        }
        Part p = javaPartAt(code, at);
        if (p == null) return null;
        CellAnalysis.Completions c = cells.analysis().complete(p.source(), at - p.offset());
        if (c.candidates().isEmpty()) return null;
        return new ReplacementOptions(c.candidates(), c.start() + p.offset(), c.end() + p.offset());
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        awaitReady();
        int lineStart = code.lastIndexOf('\n', at - 1) + 1;
        if (code.startsWith("%river", lineStart) || code.startsWith("%%river", lineStart)) {
            String rest = code.substring(lineStart).split("\n", 2)[0].replaceFirst("^%%?river\\s*", "");
            String name = rest.isBlank() ? "help" : MagicSyntax.split(rest).get(0);
            try {
                return new DisplayData(name.equals("help") ? magics.help().text() : magics.usage(name));
            } catch (MagicException e) {
                return null;
            }
        }
        Part p = javaPartAt(code, at);
        if (p == null) return null;
        String doc = cells.analysis().inspect(p.source(), at - p.offset());
        return doc == null ? null : new DisplayData(doc);
    }

    /** The Java part of a cell around character {@code at}, with its offset in the cell. */
    private record Part(String source, int offset) {}

    private static Part javaPartAt(String code, int at) {
        int atLine = (int) code.substring(0, Math.min(at, code.length())).chars().filter(ch -> ch == '\n').count();
        for (MagicSyntax.Part part : MagicSyntax.parse(code)) {
            if (part instanceof MagicSyntax.Code c) {
                int lines = (int) c.source().chars().filter(ch -> ch == '\n').count();
                if (atLine >= c.firstLine() && atLine <= c.firstLine() + lines) {
                    int offset = 0;
                    for (int i = 0; i < c.firstLine(); i++) offset = code.indexOf('\n', offset) + 1;
                    return new Part(c.source(), offset);
                }
            }
        }
        return null;
    }

    @Override
    public String isComplete(String code) {
        awaitReady();
        if (code.startsWith("%%")) {
            // a cell magic ends with a blank line, as in IPython
            return code.contains("\n") && code.substring(code.lastIndexOf('\n') + 1).isBlank() && code.strip().contains("\n")
                    ? IS_COMPLETE_YES : "";
        }
        for (MagicSyntax.Part part : MagicSyntax.parse(code)) {
            if (part instanceof MagicSyntax.Code c) {
                String s = cells.analysis().isComplete(c.source());
                if (s.equals("incomplete")) return "    ";
                if (s.equals("invalid")) return IS_COMPLETE_BAD;
            }
        }
        return IS_COMPLETE_YES;
    }

    // ---------------------------------------------------------------- kernel info, interrupt, shutdown

    @Override
    public LanguageInfo getLanguageInfo() {
        return new LanguageInfo.Builder("java")
                .version(Runtime.version().toString())
                .mimetype("text/x-java-source")
                .fileExtension(".jshell")
                .pygments("java")
                .codemirror("text/x-java")
                .build();
    }

    @Override
    public String getBanner() {
        return "River (Java) on Java " + Runtime.version() + ", cells run in JShell.\n"
                + "%river help lists the magics; docs/kernel.md explains the kernel.";
    }

    @Override
    public List<LanguageInfo.Help> getHelpLinks() {
        return List.of(new LanguageInfo.Help("Java API", "https://docs.oracle.com/en/java/javase/" + Runtime.version().feature() + "/docs/api/"));
    }

    @Override
    public void interrupt() {
        thread.interrupt();
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        shutdown();
    }

    /** Stops the running cell, the local engines this kernel started, JShell and the River driver. */
    void shutdown() {
        synchronized (this) {
            if (shutDown) return;
            shutDown = true;
        }
        thread.interrupt();
        try {
            if (session.isDone() && !session.isCompletedExceptionally()) session.join().close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "stopping River at shutdown", e);
        }
        thread.close();
        cells.close();
        output.close();
    }

    JavaCells cells() {
        return cells;
    }

    // ---------------------------------------------------------------- main

    /** Starts the kernel for Jupyter: {@code RiverKernel CONNECTION_FILE}. */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java -cp <river class path> dev.river.kernel.RiverKernel CONNECTION_FILE"
                    + " (Jupyter runs this; install the kernel with `river kernel install`)");
            System.exit(2);
        }
        quietLogging();
        KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(Path.of(args[0])));
        CellOutput output = new CellOutput(System.out, System.err);
        RiverKernel kernel = new RiverKernel(output, System.getProperty("java.class.path"), System.getenv(CLASSPATH_ENV));
        output.install();
        Signals.onInterrupt(kernel::interrupt);
        ParentWatch.onExit(() -> {
            System.err.println("river kernel: the Jupyter server that started this kernel is gone; stopping");
            kernel.shutdown();
            System.exit(0);
        });
        JupyterConnection connection = new JupyterConnection(props);
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        connection.waitUntilClose();
        kernel.shutdown();
        System.exit(0);
    }

    private static void quietLogging() {
        String level = System.getenv().getOrDefault("RIVER_LOG", "warning");
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        java.util.logging.Level l = switch (level.toLowerCase(java.util.Locale.ROOT)) {
            case "debug", "fine" -> java.util.logging.Level.FINE;
            case "info" -> java.util.logging.Level.INFO;
            case "error", "severe" -> java.util.logging.Level.SEVERE;
            default -> java.util.logging.Level.WARNING;
        };
        root.setLevel(l);
        for (var h : root.getHandlers()) h.setLevel(l);
    }
}
