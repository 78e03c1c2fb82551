package dev.river.mapreduce;

import java.io.Serializable;

/**
 * A line of an input file, with where it comes from: the input record of
 * {@link MapReduce#fromFileLines}. Inverted indexes need the file; joins tell their inputs apart by it.
 *
 * <pre>{@code
 * MapReduce.fromFileLines(paths).map((Line l, Emitter<String, String> out) -> {
 *     for (String w : l.text().split("\\W+")) if (!w.isEmpty()) out.emit(w, l.file());
 * })
 * }</pre>
 *
 * @param file   the file's path, as given to the job (a directory's files with the directory prefix)
 * @param offset the byte offset of the line's first byte in the file
 * @param text   the line, without its line terminator
 */
public record Line(String file, long offset, String text) implements Serializable {
}
