package mpi;

import dev.river.mpi.impl.Base;

import java.nio.ByteBuffer;

/**
 * A user-defined reduction: subclass it and override one of the {@code call} methods, then wrap it in
 * an {@link Op}. The operator computes {@code inOut[i] = in[i] op inOut[i]}; for a non-commutative
 * operator, {@code in} comes from lower ranks.
 *
 * <p>The {@code ByteBuffer} form sees the packed data (native byte order, {@code count} items without
 * gaps); its default converts to arrays of the datatype's base type and calls the {@code Object} form.
 *
 * <pre>{@code
 * Op absMax = new Op(new UserFunction() {
 *     @Override public void call(Object in, Object inOut, int count, Datatype type) {
 *         double[] a = (double[]) in, b = (double[]) inOut;
 *         for (int i = 0; i < count; i++) b[i] = Math.max(Math.abs(a[i]), Math.abs(b[i]));
 *     }
 * }, true);
 * MPI.COMM_WORLD.allReduce(x, y, n, MPI.DOUBLE, absMax);
 * }</pre>
 */
public abstract class UserFunction {
    /**
     * The operator on arrays of the datatype's base type ({@code double[]} for MPI.DOUBLE, {@code byte[]}
     * for struct and pair types), each holding {@code count} items.
     */
    public void call(Object inVec, Object inOutVec, int count, Datatype datatype) throws MPIException {
        throw new UnsupportedOperationException("override call(Object, Object, int, Datatype) or call(ByteBuffer, ByteBuffer, int, Datatype)");
    }

    /** The operator on packed data; by default, converts to arrays and calls {@link #call(Object, Object, int, Datatype)}. */
    public void call(ByteBuffer in, ByteBuffer inOut, int count, Datatype datatype) throws MPIException {
        Base base = datatype.layout().base;
        int n = count * datatype.layout().size;
        Object a = toArray(in, base, n), b = toArray(inOut, base, n);
        call(a, b, count, datatype);
        inOut.clear();
        fromArray(b, base, n, inOut);
    }

    private static Object toArray(ByteBuffer in, Base base, int n) {
        ByteBuffer b = in.duplicate().order(in.order());
        b.clear();
        switch (base) {
            case DOUBLE: { double[] a = new double[n]; b.asDoubleBuffer().get(a); return a; }
            case FLOAT: { float[] a = new float[n]; b.asFloatBuffer().get(a); return a; }
            case INT: { int[] a = new int[n]; b.asIntBuffer().get(a); return a; }
            case LONG: { long[] a = new long[n]; b.asLongBuffer().get(a); return a; }
            case SHORT: { short[] a = new short[n]; b.asShortBuffer().get(a); return a; }
            case CHAR: { char[] a = new char[n]; b.asCharBuffer().get(a); return a; }
            case BOOLEAN: { boolean[] a = new boolean[n]; for (int i = 0; i < n; i++) a[i] = b.get(i) != 0; return a; }
            default: { byte[] a = new byte[n]; b.get(a); return a; }
        }
    }

    private static void fromArray(Object a, Base base, int n, ByteBuffer out) {
        ByteBuffer b = out.duplicate().order(out.order());
        switch (base) {
            case DOUBLE -> b.asDoubleBuffer().put((double[]) a, 0, n);
            case FLOAT -> b.asFloatBuffer().put((float[]) a, 0, n);
            case INT -> b.asIntBuffer().put((int[]) a, 0, n);
            case LONG -> b.asLongBuffer().put((long[]) a, 0, n);
            case SHORT -> b.asShortBuffer().put((short[]) a, 0, n);
            case CHAR -> b.asCharBuffer().put((char[]) a, 0, n);
            case BOOLEAN -> {
                boolean[] v = (boolean[]) a;
                for (int i = 0; i < n; i++) b.put(i, v[i] ? (byte) 1 : 0);
            }
            default -> b.put((byte[]) a, 0, n);
        }
    }
}
