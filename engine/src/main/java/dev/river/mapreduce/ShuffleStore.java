package dev.river.mapreduce;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A reducer's fetched segments: small ones in memory until they pass the buffer limit, then merged
 * (and combined) into one sorted run on local disk; large ones streamed straight to disk. Used by the
 * reducer's main thread only.
 */
final class ShuffleStore {
    private final Kryos kryos;
    private final Comparator<Object> order;
    private final Combiner<Object> combiner;
    private final Path dir;
    private final long limit;
    private final List<Run> memory = new ArrayList<>();
    private long memoryBytes;
    private final List<Run> disk = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    private int seq;

    ShuffleStore(Kryos kryos, Comparator<Object> order, Combiner<Object> combiner, Path dir, long limit) {
        this.kryos = kryos;
        this.order = order;
        this.combiner = combiner;
        this.dir = dir;
        this.limit = limit;
    }

    /** A place for one segment of {@code length} bytes while it is fetched. */
    Incoming receive(long length) {
        if (length > limit / 4 || length > Integer.MAX_VALUE - 16) return new Incoming(newFile(), length);
        return new Incoming(null, length);
    }

    private Path newFile() {
        Path f = dir.resolve("run" + seq++);
        files.add(f);
        return f;
    }

    /** Keeps a fully fetched segment. */
    void add(Incoming in) {
        Run r = in.finish();
        if (r.bytes == null) {
            disk.add(r);
            return;
        }
        memory.add(r);
        memoryBytes += r.length;
        if (memoryBytes > limit) spillMemory();
    }

    private void spillMemory() {
        Path f = newFile();
        try (Cursor c = Merger.cursor(memory, kryos, order, combiner); RecordWriter w = RecordWriter.toFile(kryos, f)) {
            w.beginSegment();
            Merger.copy(c, w);
            w.close();
            disk.add(Run.inFile(f, 0, w.position()));
        }
        memory.clear();
        memoryBytes = 0;
    }

    /** Every run, reduced to at most {@link Merger#FACTOR} by merging on disk first. */
    List<Run> runs() {
        List<Run> all = new ArrayList<>(disk);
        all.addAll(memory);
        return Merger.toFactor(all, kryos, order, combiner, this::newFile, new ArrayList<>());
    }

    void deleteFiles() {
        for (Path f : files) MapOutputBuffer.delete(f);
    }

    /** A segment being fetched, chunk by chunk. */
    static final class Incoming {
        private final Path file;
        private final FileChannel channel;
        private final byte[] bytes;
        private final long length;
        private long received;

        Incoming(Path file, long length) {
            this.file = file;
            this.length = length;
            if (file != null) {
                bytes = null;
                try {
                    channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
                }
            } else {
                bytes = new byte[(int) length];
                channel = null;
            }
        }

        long received() {
            return received;
        }

        void append(byte[] data) {
            if (received + data.length > length) {
                throw new IllegalStateException("a map output segment sent more than its " + length + " bytes");
            }
            if (bytes != null) {
                System.arraycopy(data, 0, bytes, (int) received, data.length);
            } else {
                try {
                    ByteBuffer b = ByteBuffer.wrap(data);
                    while (b.hasRemaining()) channel.write(b, received + b.position());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + file + " (local disk full?): " + e.getMessage(), e);
                }
            }
            received += data.length;
        }

        boolean complete() {
            return received == length;
        }

        Run finish() {
            if (bytes != null) return Run.inMemory(bytes);
            close();
            return Run.inFile(file, 0, length);
        }

        /** Drops a partial segment. */
        void abandon() {
            close();
            if (file != null) MapOutputBuffer.delete(file);
        }

        private void close() {
            if (channel == null) return;
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
