package mpi;

/**
 * The struct of {@link MPI#INT2}: a int value and an int index, laid out as in C, for
 * {@code MPI.MAXLOC} and {@code MPI.MINLOC}. Use the shared instance {@code MPI.int2}.
 *
 * <pre>{@code
 * Int2 s = MPI.int2;
 * ByteBuffer in = MPI.newByteBuffer(s.getExtent()), out = MPI.newByteBuffer(s.getExtent());
 * Int2.Data d = s.getData(in);
 * d.putValue(myValue);
 * d.putIndex(rank);
 * MPI.COMM_WORLD.allReduce(in, out, 1, MPI.INT2, MPI.MAXLOC);
 * Int2.Data best = s.getData(out);     // best.getValue() and the rank that has it, best.getIndex()
 * }</pre>
 */
public final class Int2 extends Struct {
    private final int value, index;

    Int2() {
        value = addInt();
        setOffset(4);
        index = addInt();
    }

    @Override protected Data newData() {
        return new Data();
    }

    /** Reads and writes one (int value, int index) pair. */
    public final class Data extends Struct.Data {
        public int getValue() {
            return getInt(value);
        }

        public int getIndex() {
            return getInt(index);
        }

        public void putValue(int v) {
            putInt(value, v);
        }

        public void putIndex(int v) {
            putInt(index, v);
        }
    }
}
