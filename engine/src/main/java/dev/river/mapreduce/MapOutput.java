package dev.river.mapreduce;

import java.nio.file.Path;

/**
 * A finished map task's output on its engine: one local file with a sorted segment per reduce
 * partition. Kept until the job ends, so a restarted reducer can fetch it again.
 *
 * @param file    the file
 * @param offsets where partition p's segment starts
 * @param lengths its length in bytes (0: no records)
 * @param records its number of records
 */
record MapOutput(Path file, long[] offsets, long[] lengths, long[] records) {
    Run run(int partition) {
        return Run.inFile(file, offsets[partition], lengths[partition]);
    }
}
