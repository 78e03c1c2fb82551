package dev.river.mapreduce;

/** Records in key order, one at a time: a run, a merge of runs, or a combining view of one. */
interface Cursor extends AutoCloseable {
    /** Moves to the next record; false at the end. */
    boolean next();

    Object key();

    Object value();

    @Override void close();
}
