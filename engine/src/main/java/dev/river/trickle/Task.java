package dev.river.trickle;

import java.io.Serializable;

/**
 * A function that Trickle runs on engines: a lambda or method reference, serializable so that it can
 * travel with its captured values. Its class (and the classes it uses) reach engines by code shipping.
 *
 * <pre>{@code
 * Task<Integer, Integer> plusTen = x -> x + 10;
 * Task<List<String>, Map<String, Long>> count = WordFrequency::count;   // a static method
 * int offset = 5;
 * Task<Integer, Integer> shifted = x -> x + offset;                     // capturing lambdas travel too
 * }</pre>
 *
 * <p>It may throw checked exceptions: they reach the caller inside a {@link TaskFailedException}, with
 * the remote stack trace.
 *
 * @param <T> the argument (for {@code forkwork}, a chunk: {@code List<item>})
 * @param <R> the result
 */
@FunctionalInterface
public interface Task<T, R> extends Serializable {
    R apply(T arg) throws Exception;
}
