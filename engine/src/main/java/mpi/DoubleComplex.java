package mpi;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;

/**
 * A view of one complex number stored as two doubles (real, then imaginary) in an array or buffer, the
 * layout {@link MPI#DOUBLE_COMPLEX} describes. Reading and writing go straight to the storage.
 *
 * <pre>{@code
 * double[] z = new double[2];
 * DoubleComplex c = DoubleComplex.get(z);
 * c.putReal(1); c.putImag(2);
 * MPI.COMM_WORLD.allReduce(MPI.IN_PLACE, z, 1, MPI.DOUBLE_COMPLEX, MPI.SUM);
 * }</pre>
 */
public final class DoubleComplex {
    private final DoubleBuffer storage;
    private final int at;

    private DoubleComplex(DoubleBuffer storage, int index) {
        this.storage = storage;
        this.at = 2 * index;
    }

    /** The complex number at the start of {@code buffer}. */
    public static DoubleComplex get(DoubleBuffer buffer) {
        return new DoubleComplex(buffer, 0);
    }

    /** Complex number {@code index} of {@code buffer} (its doubles {@code 2*index} and {@code 2*index+1}). */
    public static DoubleComplex get(DoubleBuffer buffer, int index) {
        return new DoubleComplex(buffer, index);
    }

    /** The complex number in the first two doubles of {@code array}. */
    public static DoubleComplex get(double[] array) {
        return new DoubleComplex(DoubleBuffer.wrap(array), 0);
    }

    /** Complex number {@code index} of {@code array}. */
    public static DoubleComplex get(double[] array, int index) {
        return new DoubleComplex(DoubleBuffer.wrap(array), index);
    }

    /** The complex number at the start of a byte buffer (in its byte order). */
    public static DoubleComplex get(ByteBuffer buffer) {
        return new DoubleComplex(buffer.asDoubleBuffer(), 0);
    }

    /** Complex number {@code index} of a byte buffer. */
    public static DoubleComplex get(ByteBuffer buffer, int index) {
        return new DoubleComplex(buffer.asDoubleBuffer(), index);
    }

    public double getReal() {
        return storage.get(at);
    }

    public double getImag() {
        return storage.get(at + 1);
    }

    public void putReal(double real) {
        storage.put(at, real);
    }

    public void putImag(double imag) {
        storage.put(at + 1, imag);
    }

    /** The storage, starting at this number. */
    public DoubleBuffer getBuffer() {
        return at == 0 ? storage : MPI.slice(storage, at);
    }
}
