package mpi;

import dev.river.mpi.impl.Layout;
import dev.river.mpi.impl.MpiError;
import dev.river.mpi.impl.ReduceFn;
import dev.river.mpi.impl.Reductions;

import java.nio.ByteBuffer;

/**
 * A reduction operator: a predefined one ({@code MPI.SUM}, {@code MPI.MAX}, ..., {@code MPI.MAXLOC})
 * or a user function.
 *
 * <pre>{@code
 * double[] local = {x}, total = new double[1];
 * MPI.COMM_WORLD.allReduce(local, total, 1, MPI.DOUBLE, MPI.SUM);
 * }</pre>
 */
public final class Op implements Freeable {
    private final ReduceFn predefined;
    private final UserFunction function;
    private final boolean commute;
    private boolean freed;

    Op(Reductions.Kind kind) {
        this.predefined = Reductions.of(kind);
        this.function = null;
        this.commute = true;
    }

    /** MPI_OP_CREATE: an operator computed by {@code function}; {@code commute} tells whether operand order is free. */
    public Op(UserFunction function, boolean commute) {
        this.predefined = null;
        this.function = function;
        this.commute = commute;
    }

    /** MPI_OP_COMMUTATIVE. */
    public boolean isCommutative() {
        return commute;
    }

    /** MPI_OP_FREE (user operators only). */
    @Override public void free() throws MPIException {
        MPI.check();
        if (predefined != null) throw MPI.worldError(new MpiError(MpiError.ERR_OP, "cannot free a predefined operator"));
        freed = true;
    }

    public boolean isNull() {
        return freed;
    }

    /** The runtime's view of this operator for items of {@code type}. */
    ReduceFn fn(Datatype type) {
        if (freed) throw new MpiError(MpiError.ERR_OP, "the operator has been freed");
        if (predefined != null) return predefined;
        return new ReduceFn() {
            @Override public void reduce(ByteBuffer in, ByteBuffer inout, int count, Layout t) {
                try {
                    function.call(in, inout, count, type);
                } catch (MPIException e) {
                    throw new MpiError(MpiError.ERR_OP, "the user reduction function failed: " + e.getMessage(), e);
                }
            }

            @Override public boolean commutative() {
                return commute;
            }
        };
    }

    @Override public String toString() {
        return predefined != null ? predefined.toString() : "Op[" + function.getClass().getName() + (commute ? "" : ", non-commutative") + "]";
    }
}
