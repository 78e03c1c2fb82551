package mpi;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * A view of one complex number stored as two floats (real, then imaginary) in an array or buffer, the
 * layout {@link MPI#FLOAT_COMPLEX} describes. Reading and writing go straight to the storage.
 *
 * <pre>{@code
 * float[] z = new float[2];
 * FloatComplex c = FloatComplex.get(z);
 * c.putReal(1); c.putImag(2);
 * MPI.COMM_WORLD.allReduce(MPI.IN_PLACE, z, 1, MPI.FLOAT_COMPLEX, MPI.SUM);
 * }</pre>
 */
public final class FloatComplex {
    private final FloatBuffer storage;
    private final int at;

    private FloatComplex(FloatBuffer storage, int index) {
        this.storage = storage;
        this.at = 2 * index;
    }

    /** The complex number at the start of {@code buffer}. */
    public static FloatComplex get(FloatBuffer buffer) {
        return new FloatComplex(buffer, 0);
    }

    /** Complex number {@code index} of {@code buffer} (its floats {@code 2*index} and {@code 2*index+1}). */
    public static FloatComplex get(FloatBuffer buffer, int index) {
        return new FloatComplex(buffer, index);
    }

    /** The complex number in the first two floats of {@code array}. */
    public static FloatComplex get(float[] array) {
        return new FloatComplex(FloatBuffer.wrap(array), 0);
    }

    /** Complex number {@code index} of {@code array}. */
    public static FloatComplex get(float[] array, int index) {
        return new FloatComplex(FloatBuffer.wrap(array), index);
    }

    /** The complex number at the start of a byte buffer (in its byte order). */
    public static FloatComplex get(ByteBuffer buffer) {
        return new FloatComplex(buffer.asFloatBuffer(), 0);
    }

    /** Complex number {@code index} of a byte buffer. */
    public static FloatComplex get(ByteBuffer buffer, int index) {
        return new FloatComplex(buffer.asFloatBuffer(), index);
    }

    public float getReal() {
        return storage.get(at);
    }

    public float getImag() {
        return storage.get(at + 1);
    }

    public void putReal(float real) {
        storage.put(at, real);
    }

    public void putImag(float imag) {
        storage.put(at + 1, imag);
    }

    /** The storage, starting at this number. */
    public FloatBuffer getBuffer() {
        return at == 0 ? storage : MPI.slice(storage, at);
    }
}
