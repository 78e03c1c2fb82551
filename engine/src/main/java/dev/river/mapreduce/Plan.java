package dev.river.mapreduce;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Everything a job definition holds, behind the public builder stages ({@link MapReduce}, {@link Mapped},
 * {@link Job}). Each stage copies it before changing anything, so a stage can be reused.
 */
final class Plan implements Cloneable {
    Spec.Input input;
    List<String> files;               // file inputs
    List<?> items;                    // collection input
    int splits;                       // wanted number of splits; 0: automatic
    long splitSize;                   // bytes per file split; 0: automatic
    Mapper<?, ?, ?> mapper;
    Combiner<?> combiner;
    Partitioner<?> partitioner;
    Reducer<?, ?, ?> reducer;
    Comparator<?> keyOrder;
    int partitions;                   // 0: one per engine core
    long mapBuffer;                   // 0: automatic
    long reduceBuffer;                // 0: automatic
    List<Consumer<Progress>> listeners = new ArrayList<>();

    Plan copy() {
        try {
            Plan p = (Plan) super.clone();
            p.listeners = new ArrayList<>(listeners);
            return p;
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }
}
