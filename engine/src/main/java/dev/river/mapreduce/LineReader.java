package dev.river.mapreduce;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads the lines of a byte range of a UTF-8 file: {@code \n} ends a line and a {@code \r} before it is
 * dropped; a last line without a terminator counts. The range must start at a line's first byte.
 *
 * <pre>{@code
 * try (LineReader r = new LineReader(path, 0, Files.size(path))) {
 *     while (r.next()) System.out.println(r.offset() + ": " + r.text());
 * }
 * }</pre>
 */
final class LineReader implements AutoCloseable {
    private static final int BUFFER = 256 * 1024;

    private final FileChannel channel;
    private final long end;
    private long filePos;          // file offset of buf[0]
    private byte[] buf = new byte[BUFFER];
    private int pos;               // next unread byte in buf
    private int limit;             // bytes valid in buf
    private boolean eof;
    private String text;
    private long offset;

    LineReader(Path file, long start, long length) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.end = start + length;
        this.filePos = start;
    }

    /** Advances to the next line; false at the end of the range. */
    boolean next() throws IOException {
        while (true) {
            for (int i = pos; i < limit; i++) {
                if (buf[i] == '\n') {
                    emit(pos, i);
                    pos = i + 1;
                    return true;
                }
            }
            if (eof) {
                if (pos < limit) {
                    emit(pos, limit);
                    pos = limit;
                    return true;
                }
                return false;
            }
            fill();
        }
    }

    private void emit(int from, int to) {
        offset = filePos + from;
        int len = to - from;
        if (len > 0 && buf[to - 1] == '\r') len--;
        text = new String(buf, from, len, StandardCharsets.UTF_8);
    }

    /** Keeps the unread tail, grows the buffer for a line longer than it, and reads more of the range. */
    private void fill() throws IOException {
        int tail = limit - pos;
        if (tail == buf.length) buf = java.util.Arrays.copyOf(buf, buf.length * 2);
        System.arraycopy(buf, pos, buf, 0, tail);
        filePos += pos;
        pos = 0;
        limit = tail;
        long want = Math.min(buf.length - limit, end - (filePos + limit));
        if (want <= 0) {
            eof = true;
            return;
        }
        ByteBuffer bb = ByteBuffer.wrap(buf, limit, (int) want);
        while (bb.hasRemaining()) {
            int n = channel.read(bb, filePos + bb.position());
            if (n < 0) break;                      // the file shrank: read what there is
        }
        int got = bb.position() - limit;
        limit += got;
        if (got < want || filePos + limit >= end) eof = true;
    }

    /** The current line, without its terminator. */
    String text() {
        return text;
    }

    /** The file offset of the current line's first byte. */
    long offset() {
        return offset;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
