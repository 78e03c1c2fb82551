package mpi;

/**
 * The struct of {@link MPI#DOUBLE_INT}: a double value and an int index, laid out as in C, for
 * {@code MPI.MAXLOC} and {@code MPI.MINLOC}. Use the shared instance {@code MPI.doubleInt}.
 *
 * <pre>{@code
 * DoubleInt s = MPI.doubleInt;
 * ByteBuffer in = MPI.newByteBuffer(s.getExtent()), out = MPI.newByteBuffer(s.getExtent());
 * DoubleInt.Data d = s.getData(in);
 * d.putValue(myValue);
 * d.putIndex(rank);
 * MPI.COMM_WORLD.allReduce(in, out, 1, MPI.DOUBLE_INT, MPI.MAXLOC);
 * DoubleInt.Data best = s.getData(out);     // best.getValue() and the rank that has it, best.getIndex()
 * }</pre>
 */
public final class DoubleInt extends Struct {
    private final int value, index;

    DoubleInt() {
        value = addDouble();
        setOffset(8);
        index = addInt();
    }

    @Override protected Data newData() {
        return new Data();
    }

    /** Reads and writes one (double value, int index) pair. */
    public final class Data extends Struct.Data {
        public double getValue() {
            return getDouble(value);
        }

        public int getIndex() {
            return getInt(index);
        }

        public void putValue(double v) {
            putDouble(value, v);
        }

        public void putIndex(int v) {
            putInt(index, v);
        }
    }
}
