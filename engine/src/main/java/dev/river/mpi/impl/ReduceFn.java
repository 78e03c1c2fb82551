package dev.river.mpi.impl;

import java.nio.ByteBuffer;

/**
 * A reduction operator on packed data: {@code inout[i] = in[i] op inout[i]} for {@code count} items of
 * {@code type}. Both buffers are native-ordered, positioned at 0, and hold exactly the packed items; for
 * a non-commutative operator {@code in} holds the lower ranks' contribution.
 *
 * <p>Internal: {@code mpi.Op} provides one (predefined or wrapping a {@code UserFunction}).
 */
public interface ReduceFn {
    void reduce(ByteBuffer in, ByteBuffer inout, int count, Layout type);

    /** Whether the order of operands does not matter (lets collectives use any combining order). */
    default boolean commutative() {
        return true;
    }
}
