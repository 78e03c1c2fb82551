package dev.river.mapreduce;

import com.esotericsoftware.kryo.io.Input;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A sorted run of records: one Kryo segment, in memory or as a byte range of a local file. Map
 * outputs, spills and the reducer's fetched segments are all runs.
 */
final class Run {
    final Path file;           // null for an in-memory run
    final long offset;
    final long length;
    final byte[] bytes;        // the in-memory run, else null

    private Run(Path file, long offset, long length, byte[] bytes) {
        this.file = file;
        this.offset = offset;
        this.length = length;
        this.bytes = bytes;
    }

    static Run inFile(Path file, long offset, long length) {
        return new Run(file, offset, length, null);
    }

    static Run inMemory(byte[] bytes) {
        return new Run(null, 0, bytes.length, bytes);
    }

    /** Opens a reader over the run's records. */
    RecordReader open(Kryos kryos) {
        if (bytes != null) return new RecordReader(kryos, new Input(bytes), null);
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            return new RecordReader(kryos, new Input(new RangeStream(ch, offset, offset + length), 64 * 1024), ch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open sorted run " + file + ": " + e.getMessage(), e);
        }
    }

    @Override public String toString() {
        return bytes != null ? "memory run (" + length + " bytes)" : file.getFileName() + "[" + offset + "+" + length + "]";
    }

    /** Positional reads of {@code [pos, end)} of a channel. */
    private static final class RangeStream extends InputStream {
        private final FileChannel ch;
        private long pos;
        private final long end;

        RangeStream(FileChannel ch, long pos, long end) {
            this.ch = ch;
            this.pos = pos;
            this.end = end;
        }

        @Override public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override public int read(byte[] b, int off, int len) throws IOException {
            if (pos >= end) return -1;
            int want = (int) Math.min(len, end - pos);
            int n = ch.read(ByteBuffer.wrap(b, off, want), pos);
            if (n < 0) return -1;
            pos += n;
            return n;
        }
    }
}
