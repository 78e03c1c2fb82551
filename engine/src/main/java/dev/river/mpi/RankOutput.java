package dev.river.mpi;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * Per-rank capture of System.out and System.err on an engine. The streams are JVM-wide, so once per
 * engine they are replaced by streams that look at the writing thread: a thread of a rank (the rank's
 * main thread and the threads it starts, which inherit the mark) writes to that rank's line sink,
 * which forwards whole lines to the launcher; any other thread writes to the engine's own streams.
 *
 * <p>Threads of shared pools (e.g. the common ForkJoinPool behind parallel streams) are not a rank's:
 * their output goes to the engine's log.
 */
final class RankOutput {
    private static final InheritableThreadLocal<Lines[]> CURRENT = new InheritableThreadLocal<>();
    private static boolean installed;    // guarded by RankOutput.class

    private RankOutput() {}

    /** Routes System.out/err by thread from now on (idempotent). */
    static synchronized void install() {
        if (installed) return;
        PrintStream out = System.out, err = System.err;
        System.setOut(new PrintStream(new Router(out, 0), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Router(err, 1), true, StandardCharsets.UTF_8));
        installed = true;
    }

    /** Line sinks of one rank: {@code sink.accept(stream, line)}, stream 0 for stdout and 1 for stderr. */
    static Lines[] sinks(BiConsumer<Integer, String> sink) {
        return new Lines[]{new Lines(0, sink), new Lines(1, sink)};
    }

    /** Marks the calling thread (and the threads it starts) as writing to {@code sinks}. */
    static void attach(Lines[] sinks) {
        CURRENT.set(sinks);
    }

    /** Collects bytes into lines. */
    static final class Lines {
        private final int stream;
        private final BiConsumer<Integer, String> sink;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();   // guarded by this

        Lines(int stream, BiConsumer<Integer, String> sink) {
            this.stream = stream;
            this.sink = sink;
        }

        synchronized void write(byte[] b, int off, int len) {
            int start = off;
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    line.write(b, start, i - start);
                    emit();
                    start = i + 1;
                }
            }
            line.write(b, start, off + len - start);
        }

        /** Emits a last line that has no newline. */
        synchronized void flush() {
            if (line.size() > 0) emit();
        }

        private void emit() {
            String s = line.toString(StandardCharsets.UTF_8);
            if (s.endsWith("\r")) s = s.substring(0, s.length() - 1);
            line.reset();
            sink.accept(stream, s);
        }
    }

    private static final class Router extends OutputStream {
        private final PrintStream engine;
        private final int stream;

        Router(PrintStream engine, int stream) {
            this.engine = engine;
            this.stream = stream;
        }

        @Override public void write(int b) {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override public void write(byte[] b, int off, int len) {
            Lines[] rank = CURRENT.get();
            if (rank != null) rank[stream].write(b, off, len);
            else engine.write(b, off, len);
        }

        @Override public void flush() {
            if (CURRENT.get() == null) engine.flush();
        }
    }
}
