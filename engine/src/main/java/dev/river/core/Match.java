package dev.river.core;

/**
 * Wildcards for selective receive.
 *
 * <pre>{@code
 * Message m = recv("src", worker, "data", Match.ANY);   // any message from worker carrying "data"
 * }</pre>
 */
public enum Match {
    /** Matches when the attribute is present, whatever its value (null included). */
    ANY
}
