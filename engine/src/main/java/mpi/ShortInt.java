package mpi;

/**
 * The struct of {@link MPI#SHORT_INT}: a short value and an int index, laid out as in C, for
 * {@code MPI.MAXLOC} and {@code MPI.MINLOC}. Use the shared instance {@code MPI.shortInt}.
 *
 * <pre>{@code
 * ShortInt s = MPI.shortInt;
 * ByteBuffer in = MPI.newByteBuffer(s.getExtent()), out = MPI.newByteBuffer(s.getExtent());
 * ShortInt.Data d = s.getData(in);
 * d.putValue(myValue);
 * d.putIndex(rank);
 * MPI.COMM_WORLD.allReduce(in, out, 1, MPI.SHORT_INT, MPI.MAXLOC);
 * ShortInt.Data best = s.getData(out);     // best.getValue() and the rank that has it, best.getIndex()
 * }</pre>
 */
public final class ShortInt extends Struct {
    private final int value, index;

    ShortInt() {
        value = addShort();
        setOffset(4);
        index = addInt();
    }

    @Override protected Data newData() {
        return new Data();
    }

    /** Reads and writes one (short value, int index) pair. */
    public final class Data extends Struct.Data {
        public short getValue() {
            return getShort(value);
        }

        public int getIndex() {
            return getInt(index);
        }

        public void putValue(short v) {
            putShort(value, v);
        }

        public void putIndex(int v) {
            putInt(index, v);
        }
    }
}
