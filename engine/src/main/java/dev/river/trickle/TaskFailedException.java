package dev.river.trickle;

import dev.river.core.RemoteVrException;
import dev.river.core.RiverException;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One or more Trickle tasks threw. Raised by {@code call}, {@code join}, {@code forkwork} and
 * {@code map} once every other task has finished, so the work that succeeded is not lost: see
 * {@link #partialResults()}. Each {@link Failure} says which item (or chunk) failed, on which engine,
 * and carries the remote exception with its stack trace; the first is this exception's cause, the
 * others are suppressed.
 *
 * <pre>{@code
 * try {
 *     t.map(x -> 100 / x, List.of(1, 0, 5));
 * } catch (TaskFailedException e) {
 *     for (var f : e.failures()) System.err.println(f);   // item 1 (0) on engine ...: ArithmeticException: / by zero
 *     List<?> partial = e.partialResults();                 // [100, null, 20]
 * }
 * }</pre>
 */
public final class TaskFailedException extends RiverException {
    private static final long serialVersionUID = 1L;

    /**
     * A failed task.
     *
     * @param index     its position in the results: the argument (call, fork), the chunk (forkwork) or the item (map)
     * @param firstItem the first input item it covered (equal to {@code index} except for forkwork chunks)
     * @param lastItem  the last input item it covered
     * @param item      the input, as text (shortened)
     * @param engine    the engine it ran on
     * @param error     what it threw, with the remote stack trace
     */
    public record Failure(int index, int firstItem, int lastItem, String item, String engine, RemoteVrException error)
            implements Serializable {
        @Override public String toString() {
            String where = firstItem == lastItem && index == firstItem ? "item " + firstItem : "chunk " + index + " (items " + firstItem + ".." + lastItem + ")";
            return where + " " + item + " on engine " + engine + ": " + error.remoteClassName()
                    + (error.remoteMessage() == null ? "" : ": " + error.remoteMessage());
        }
    }

    private final transient List<Failure> failures;
    private final transient List<?> partial;

    TaskFailedException(String operation, String unit, int total, List<Failure> failures, List<?> partialResults) {
        super(summary(operation, unit, total, failures), failures.get(0).error());
        this.failures = List.copyOf(failures);
        this.partial = partialResults == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(partialResults));
        for (int i = 1; i < failures.size() && i < 20; i++) addSuppressed(failures.get(i).error());
    }

    private static String summary(String operation, String unit, int total, List<Failure> failures) {
        String head = failures.size() == 1 && total == 1
                ? operation + " failed: "
                : failures.size() + " of " + total + " " + unit + (total == 1 ? "" : "s") + " of " + operation + " failed; first: ";
        return head + failures.get(0);
    }

    /** The failed tasks, in input order. */
    public List<Failure> failures() {
        return failures;
    }

    /** One result per task as the call would have returned them, with null where a task failed. */
    public List<?> partialResults() {
        return partial;
    }
}
