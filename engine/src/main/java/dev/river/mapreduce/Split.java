package dev.river.mapreduce;

import java.io.Serializable;
import java.util.List;

/** One map task's input: a byte range of a file (on line boundaries) or a slice of a collection. */
sealed interface Split extends Serializable {
    /** The split's index among the job's splits. */
    int index();

    /** Input bytes (files) or items (collections), for progress. */
    long size();

    /** Where the split comes from, for error messages: {@code data/a.txt, bytes 0-33554432}. */
    String describe();

    /**
     * Bytes {@code [start, start + length)} of {@code file}; {@code start} is a line's first byte and
     * the range ends after a line terminator or at the end of the file.
     */
    record FileRange(int index, String file, long start, long length) implements Split {
        @Override public long size() {
            return length;
        }

        @Override public String describe() {
            return file + ", bytes " + start + "-" + (start + length);
        }
    }

    /** Items {@code [first, first + items.size())} of the job's collection. */
    record Items(int index, long first, List<?> items) implements Split {
        @Override public long size() {
            return items.size();
        }

        @Override public String describe() {
            return "items " + first + "-" + (first + items.size() - 1) + " of the collection";
        }
    }
}
