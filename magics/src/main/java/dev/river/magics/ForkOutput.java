package dev.river.magics;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@code %%river fork} brings back from one engine: the value of the cell's last expression and
 * what the cell printed there. {@link #capture} runs on the engine (this class reaches it by code
 * shipping) and collects what the calling thread prints, while other threads of the engine print as
 * usual.
 *
 * <pre>{@code
 * ForkOutput r = ForkOutput.capture(() -> { System.out.println("hi"); return 42; });
 * r.value();   // 42
 * r.output();  // "hi\n"
 * }</pre>
 *
 * @param value  the last expression's value (null when the cell ends with a statement)
 * @param output what the cell printed on System.out and System.err, in order
 */
public record ForkOutput(Object value, String output) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Runs {@code body}, collecting what this thread prints meanwhile. */
    public static ForkOutput capture(Callable<?> body) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Thread me = Thread.currentThread();
        Router.install();
        Router.CAPTURES.put(me, buf);
        try {
            Object v = body.call();
            System.out.flush();
            System.err.flush();
            return new ForkOutput(v, buf.toString(StandardCharsets.UTF_8));
        } finally {
            Router.CAPTURES.remove(me);
        }
    }

    /**
     * System.out and System.err of the engine, replaced once (per class loader of this class): writes
     * by a capturing thread go to its buffer, everyone else's pass through.
     */
    private static final class Router extends OutputStream {
        static final Map<Thread, ByteArrayOutputStream> CAPTURES = new ConcurrentHashMap<>();
        private static boolean installed;   // guarded by Router.class
        private final PrintStream through;

        private Router(PrintStream through) {
            this.through = through;
        }

        static synchronized void install() {
            if (installed) return;
            installed = true;
            System.setOut(new PrintStream(new Router(System.out), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new Router(System.err), true, StandardCharsets.UTF_8));
        }

        @Override
        public void write(int b) {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ByteArrayOutputStream c = CAPTURES.get(Thread.currentThread());
            if (c != null) {
                synchronized (c) {
                    c.write(b, off, len);
                }
            } else {
                through.write(b, off, len);
            }
        }

        @Override
        public void flush() {
            through.flush();
        }
    }
}
