package mpi;

/**
 * The struct of {@link MPI#FLOAT_INT}: a float value and an int index, laid out as in C, for
 * {@code MPI.MAXLOC} and {@code MPI.MINLOC}. Use the shared instance {@code MPI.floatInt}.
 *
 * <pre>{@code
 * FloatInt s = MPI.floatInt;
 * ByteBuffer in = MPI.newByteBuffer(s.getExtent()), out = MPI.newByteBuffer(s.getExtent());
 * FloatInt.Data d = s.getData(in);
 * d.putValue(myValue);
 * d.putIndex(rank);
 * MPI.COMM_WORLD.allReduce(in, out, 1, MPI.FLOAT_INT, MPI.MAXLOC);
 * FloatInt.Data best = s.getData(out);     // best.getValue() and the rank that has it, best.getIndex()
 * }</pre>
 */
public final class FloatInt extends Struct {
    private final int value, index;

    FloatInt() {
        value = addFloat();
        setOffset(4);
        index = addInt();
    }

    @Override protected Data newData() {
        return new Data();
    }

    /** Reads and writes one (float value, int index) pair. */
    public final class Data extends Struct.Data {
        public float getValue() {
            return getFloat(value);
        }

        public int getIndex() {
            return getInt(index);
        }

        public void putValue(float v) {
            putFloat(value, v);
        }

        public void putIndex(int v) {
            putInt(index, v);
        }
    }
}
