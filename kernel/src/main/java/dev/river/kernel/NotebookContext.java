package dev.river.kernel;

import dev.river.magics.Display;
import dev.river.magics.MagicContext;
import dev.river.magics.MagicException;
import dev.river.magics.Session;
import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.messages.publish.PublishDisplayData;
import io.github.spencerpark.jupyter.messages.publish.PublishUpdateDisplayData;

import java.io.PrintStream;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** The kernel as the magics see it: JShell evaluation on the cell thread, the session, Jupyter displays. */
final class NotebookContext implements MagicContext {
    private final Supplier<JavaCells> cells;
    private final Supplier<Session> session;
    private final CellThread thread;
    private final CellOutput output;

    NotebookContext(Supplier<JavaCells> cells, Supplier<Session> session, CellThread thread, CellOutput output) {
        this.cells = cells;
        this.session = session;
        this.thread = thread;
        this.output = output;
    }

    @Override
    public Session session() {
        return session.get();
    }

    @Override
    public Object evaluate(String expression) {
        return java(() -> cells.get().evaluate(expression));
    }

    @Override
    public String returningBlock(String code) {
        return java(() -> cells.get().returningBlock(code));
    }

    @Override
    public String returnType(String name, int arity) {
        return java(() -> cells.get().returnType(name, arity));
    }

    @Override
    public void define(String name, String type, Object value) {
        java(() -> {
            cells.get().define(name, type, value);
            return null;
        });
    }

    @Override
    public <T> List<T> variables(Class<T> type) {
        return java(() -> cells.get().variables(type));
    }

    @Override
    public <T> T function(String fn, Class<T> type, int arity, List<String> targetTypes) {
        return java(() -> cells.get().function(fn, type, arity, targetTypes));
    }

    @Override
    public List<Class<?>> definitions(String name) {
        return java(() -> cells.get().definitions(name));
    }

    private <T> T java(Callable<T> c) {
        try {
            return thread.java(c);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new MagicException(e.toString());
        }
    }

    @Override
    public String cellBody() {
        return null;
    }

    @Override
    public Display display() {
        return content -> {
            ShellReplyEnvironment env = output.env();
            if (env == null) return update -> { };
            output.flush();
            String id = UUID.randomUUID().toString();
            DisplayData d = Values.of(content);
            d.setDisplayId(id);
            env.publish(new PublishDisplayData(d));
            return update -> {
                DisplayData u = Values.of(update);
                u.setDisplayId(id);
                env.publish(new PublishUpdateDisplayData(u));
            };
        };
    }

    @Override
    public PrintStream out() {
        return System.out;
    }
}
