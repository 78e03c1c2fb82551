package mpi;

/**
 * The struct of {@link MPI#LONG_INT}: a long value and an int index, laid out as in C, for
 * {@code MPI.MAXLOC} and {@code MPI.MINLOC}. Use the shared instance {@code MPI.longInt}.
 *
 * <pre>{@code
 * LongInt s = MPI.longInt;
 * ByteBuffer in = MPI.newByteBuffer(s.getExtent()), out = MPI.newByteBuffer(s.getExtent());
 * LongInt.Data d = s.getData(in);
 * d.putValue(myValue);
 * d.putIndex(rank);
 * MPI.COMM_WORLD.allReduce(in, out, 1, MPI.LONG_INT, MPI.MAXLOC);
 * LongInt.Data best = s.getData(out);     // best.getValue() and the rank that has it, best.getIndex()
 * }</pre>
 */
public final class LongInt extends Struct {
    private final int value, index;

    LongInt() {
        value = addLong();
        setOffset(8);
        index = addInt();
    }

    @Override protected Data newData() {
        return new Data();
    }

    /** Reads and writes one (long value, int index) pair. */
    public final class Data extends Struct.Data {
        public long getValue() {
            return getLong(value);
        }

        public int getIndex() {
            return getInt(index);
        }

        public void putValue(long v) {
            putLong(value, v);
        }

        public void putIndex(int v) {
            putInt(index, v);
        }
    }
}
