package dev.river.kernel;

import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.messages.publish.PublishStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The kernel's standard streams. {@code System.out} and {@code System.err} are replaced once, at start:
 * while a cell runs, whatever any thread prints (the cell, threads it started, local engines' forwarded
 * output) streams to that cell's output, flushed every 50 ms, and at the end of the cell before its
 * reply; between cells it goes to the kernel's own terminal. {@code System.in} reads from the notebook
 * (an input box) when the front-end allows it.
 */
final class CellOutput {
    private static final long FLUSH_DELAY_MS = 50;
    private static final int FLUSH_NOW_CHARS = 64 * 1024;

    private final PrintStream terminalOut;
    private final PrintStream terminalErr;
    private final Stream out;
    private final Stream err;
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "river-output-flush");
        t.setDaemon(true);
        return t;
    });
    private volatile ShellReplyEnvironment env;    // the running cell's, or null between cells
    private volatile boolean stdinEnabled;

    CellOutput(PrintStream terminalOut, PrintStream terminalErr) {
        this.terminalOut = terminalOut;
        this.terminalErr = terminalErr;
        this.out = new Stream(PublishStream.StreamType.OUT, terminalOut);
        this.err = new Stream(PublishStream.StreamType.ERR, terminalErr);
    }

    /** Replaces System.out, System.err and System.in for the life of the kernel. */
    void install() {
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setIn(new NotebookInput());
    }

    PrintStream terminal() {
        return terminalErr;
    }

    /** Routes output to {@code env} until {@link #detach()}. */
    void attach(ShellReplyEnvironment env, boolean allowStdin) {
        this.stdinEnabled = allowStdin;
        this.env = env;
    }

    /** Sends what is buffered, and routes output to the terminal again. */
    void detach() {
        flush();
        env = null;
    }

    /** The environment of the running cell, or null. */
    ShellReplyEnvironment env() {
        return env;
    }

    /** Sends buffered output now (before a display, an error, or the cell's reply). */
    void flush() {
        out.publish();
        err.publish();
    }

    void close() {
        flush();
        flusher.shutdownNow();
    }

    /** One stream: decodes UTF-8 bytes and buffers the text for the cell, or passes bytes to the terminal. */
    private final class Stream extends OutputStream {
        private final PublishStream.StreamType type;
        private final PrintStream terminal;
        // guarded by this
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private final StringBuilder pending = new StringBuilder();
        private ByteBuffer partial = ByteBuffer.allocate(8);
        private boolean scheduled;

        Stream(PublishStream.StreamType type, PrintStream terminal) {
            this.type = type;
            this.terminal = terminal;
        }

        @Override
        public void write(int b) {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (env == null) {
                terminal.write(b, off, len);
                return;
            }
            boolean now;
            synchronized (this) {
                decode(b, off, len);
                now = pending.length() >= FLUSH_NOW_CHARS;
                if (!now && !scheduled) {
                    scheduled = true;
                    flusher.schedule(this::publish, FLUSH_DELAY_MS, TimeUnit.MILLISECONDS);
                }
            }
            if (now) publish();
        }

        private void decode(byte[] b, int off, int len) {
            ByteBuffer in;
            if (partial.position() > 0) {
                partial.flip();
                in = ByteBuffer.allocate(partial.remaining() + len).put(partial).put(b, off, len);
                in.flip();
                partial.clear();
            } else {
                in = ByteBuffer.wrap(b, off, len);
            }
            CharBuffer chars = CharBuffer.allocate((int) (in.remaining() * 1.1) + 4);
            decoder.decode(in, chars, false);
            chars.flip();
            pending.append(chars);
            if (in.hasRemaining()) {           // an incomplete UTF-8 sequence: keep it for the next write
                if (in.remaining() > partial.capacity()) partial = ByteBuffer.allocate(in.remaining());
                partial.put(in);
            }
        }

        @Override
        public void flush() {
            // PrintStream autoflush lands here after every println: the scheduled publish batches them
        }

        void publish() {
            String text;
            synchronized (this) {
                scheduled = false;
                if (pending.length() == 0) return;
                text = pending.toString();
                pending.setLength(0);
            }
            ShellReplyEnvironment e = env;
            if (e == null) {
                terminal.print(text);
                terminal.flush();
            } else {
                e.publish(new PublishStream(type, text));
            }
        }
    }

    /** System.in: a line typed in the notebook's input box per read, when the front-end allows input. */
    private final class NotebookInput extends InputStream {
        private byte[] line = new byte[0];
        private int pos;

        @Override
        public synchronized int read() throws IOException {
            if (pos >= line.length && !fill()) return -1;
            return line[pos++] & 0xff;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (pos >= line.length && !fill()) return -1;
            int n = Math.min(len, line.length - pos);
            System.arraycopy(line, pos, b, off, n);
            pos += n;
            return n;
        }

        private boolean fill() {
            ShellReplyEnvironment e = env;
            if (e == null || !stdinEnabled) return false;     // no front-end to ask: end of input
            flush();
            String s = e.readFromStdIn();
            if (s == null) return false;
            line = (s + "\n").getBytes(StandardCharsets.UTF_8);
            pos = 0;
            return true;
        }
    }
}
