package mpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A C-like struct laid out in a byte buffer, as in the Open MPI Java bindings: subclass it, add fields
 * in the constructor ({@code addInt()}, {@code addDouble(3)}, ...; each returns the field's byte
 * offset), and read and write the fields of the i-th struct of a buffer through a {@link Data} object.
 * {@link #getType()} is the matching MPI datatype (its base type is BYTE).
 *
 * <pre>{@code
 * class Particle extends Struct {
 *     final int x = addDouble(), y = addDouble(), id = addInt();
 *     @Override protected Data newData() { return new Data(); }
 *     class Data extends Struct.Data {
 *         double x() { return getDouble(x); }
 *         void x(double v) { putDouble(x, v); }
 *     }
 * }
 * Particle p = new Particle();
 * ByteBuffer buf = MPI.newByteBuffer(p.getExtent() * n);
 * Particle.Data first = p.getData(buf, 0);
 * comm.send(buf, n, p.getType(), 1, 0);
 * }</pre>
 */
public abstract class Struct {
    private int extent;
    private final List<int[]> fields = new ArrayList<>();       // {offset, length}
    private final List<Datatype> types = new ArrayList<>();
    private Datatype datatype;

    private void commit() throws MPIException {
        if (datatype != null) return;
        int n = fields.size();
        int[] lengths = new int[n], offsets = new int[n];
        for (int i = 0; i < n; i++) {
            offsets[i] = fields.get(i)[0];
            lengths[i] = fields.get(i)[1];
        }
        Datatype t = Datatype.createStruct(lengths, offsets, types.toArray(new Datatype[0]));
        t.commit();
        datatype = t;
        extent = t.getExtent();
    }

    /** The extent of one struct in bytes (with C alignment). */
    public final int getExtent() throws MPIException {
        commit();
        return extent;
    }

    /** The MPI datatype of one struct. */
    public final Datatype getType() throws MPIException {
        commit();
        return datatype;
    }

    /** Creates the accessor of this struct type. */
    protected abstract Data newData();

    @SuppressWarnings("unchecked")
    private <T extends Data> T data(ByteBuffer buffer, int offset) {
        Data d = newData();
        d.buffer = buffer;
        d.offset = offset;
        return (T) d;
    }

    /** The struct at the start of {@code buffer}. */
    public final <T extends Data> T getData(ByteBuffer buffer) throws MPIException {
        commit();
        return data(buffer, 0);
    }

    /** The {@code index}-th struct of an array of structs in {@code buffer}. */
    public final <T extends Data> T getData(ByteBuffer buffer, int index) throws MPIException {
        commit();
        return data(buffer, index * extent);
    }

    /** The struct at the start of {@code array} (native byte order). */
    public final <T extends Data> T getData(byte[] array) throws MPIException {
        return getData(ByteBuffer.wrap(array).order(ByteOrder.nativeOrder()));
    }

    /** The {@code index}-th struct in {@code array} (native byte order). */
    public final <T extends Data> T getData(byte[] array, int index) throws MPIException {
        return getData(ByteBuffer.wrap(array).order(ByteOrder.nativeOrder()), index);
    }

    private int addField(Datatype type, int bytes, int length) {
        if (datatype != null) throw new IllegalStateException("the struct type is already in use: add fields in the constructor");
        int offset = extent;
        extent += bytes * length;
        fields.add(new int[]{offset, length});
        types.add(type);
        return offset;
    }

    /** Places the next field at {@code offset} (not before the fields so far), e.g. for alignment. */
    public final Struct setOffset(int offset) {
        if (datatype != null) throw new IllegalStateException("the struct type is already in use: add fields in the constructor");
        if (offset < extent) throw new IllegalArgumentException("offset " + offset + " overlaps the fields so far (they end at " + extent + ")");
        extent = offset;
        return this;
    }

    public final int addByte() {
        return addByte(1);
    }

    public final int addByte(int length) {
        return addField(MPI.BYTE, 1, length);
    }

    public final int addChar() {
        return addChar(1);
    }

    public final int addChar(int length) {
        return addField(MPI.CHAR, 2, length);
    }

    public final int addShort() {
        return addShort(1);
    }

    public final int addShort(int length) {
        return addField(MPI.SHORT, 2, length);
    }

    public final int addInt() {
        return addInt(1);
    }

    public final int addInt(int length) {
        return addField(MPI.INT, 4, length);
    }

    public final int addLong() {
        return addLong(1);
    }

    public final int addLong(int length) {
        return addField(MPI.LONG, 8, length);
    }

    public final int addFloat() {
        return addFloat(1);
    }

    public final int addFloat(int length) {
        return addField(MPI.FLOAT, 4, length);
    }

    public final int addDouble() {
        return addDouble(1);
    }

    public final int addDouble(int length) {
        return addField(MPI.DOUBLE, 8, length);
    }

    /** A nested struct field. */
    public final int addStruct(Struct struct) throws MPIException {
        return addStruct(struct, 1);
    }

    public final int addStruct(Struct struct, int length) throws MPIException {
        return addField(struct.getType(), struct.getExtent(), length);
    }

    /** A field of any datatype. */
    public final int addData(Datatype type) throws MPIException {
        return addData(type, 1);
    }

    public final int addData(Datatype type, int length) throws MPIException {
        return addField(type, type.getExtent() * type.layout().base.bytes, length);
    }

    /** Reads and writes the fields of one struct in a buffer; subclass it with typed accessors. */
    public abstract class Data {
        private ByteBuffer buffer;
        private int offset;

        /** The buffer from this struct on (for send/recv of this struct and those after it). */
        public final ByteBuffer getBuffer() {
            return offset == 0 ? buffer : MPI.slice(buffer, offset);
        }

        protected final byte getByte(int field) { return buffer.get(offset + field); }
        protected final byte getByte(int field, int index) { return buffer.get(offset + field + index); }
        protected final void putByte(int field, byte v) { buffer.put(offset + field, v); }
        protected final void putByte(int field, int index, byte v) { buffer.put(offset + field + index, v); }

        protected final char getChar(int field) { return buffer.getChar(offset + field); }
        protected final char getChar(int field, int index) { return buffer.getChar(offset + field + index * 2); }
        protected final void putChar(int field, char v) { buffer.putChar(offset + field, v); }
        protected final void putChar(int field, int index, char v) { buffer.putChar(offset + field + index * 2, v); }

        protected final short getShort(int field) { return buffer.getShort(offset + field); }
        protected final short getShort(int field, int index) { return buffer.getShort(offset + field + index * 2); }
        protected final void putShort(int field, short v) { buffer.putShort(offset + field, v); }
        protected final void putShort(int field, int index, short v) { buffer.putShort(offset + field + index * 2, v); }

        protected final int getInt(int field) { return buffer.getInt(offset + field); }
        protected final int getInt(int field, int index) { return buffer.getInt(offset + field + index * 4); }
        protected final void putInt(int field, int v) { buffer.putInt(offset + field, v); }
        protected final void putInt(int field, int index, int v) { buffer.putInt(offset + field + index * 4, v); }

        protected final long getLong(int field) { return buffer.getLong(offset + field); }
        protected final long getLong(int field, int index) { return buffer.getLong(offset + field + index * 8); }
        protected final void putLong(int field, long v) { buffer.putLong(offset + field, v); }
        protected final void putLong(int field, int index, long v) { buffer.putLong(offset + field + index * 8, v); }

        protected final float getFloat(int field) { return buffer.getFloat(offset + field); }
        protected final float getFloat(int field, int index) { return buffer.getFloat(offset + field + index * 4); }
        protected final void putFloat(int field, float v) { buffer.putFloat(offset + field, v); }
        protected final void putFloat(int field, int index, float v) { buffer.putFloat(offset + field + index * 4, v); }

        protected final double getDouble(int field) { return buffer.getDouble(offset + field); }
        protected final double getDouble(int field, int index) { return buffer.getDouble(offset + field + index * 8); }
        protected final void putDouble(int field, double v) { buffer.putDouble(offset + field, v); }
        protected final void putDouble(int field, int index, double v) { buffer.putDouble(offset + field + index * 8, v); }
    }
}
