package mpi;

import dev.river.mpi.impl.Layout;
import dev.river.mpi.impl.MpiError;

/**
 * An MPI datatype: a predefined one ({@code MPI.INT}, {@code MPI.DOUBLE}, the pair types for
 * MAXLOC/MINLOC, ...) or one derived from another with the {@code create*} methods. As in the Open MPI
 * Java bindings, sizes, extents and displacements count elements of the base type (bytes for struct
 * types); derived types must be committed before use.
 *
 * <pre>{@code
 * // a column of a 4x4 row-major matrix of doubles
 * Datatype column = Datatype.createVector(4, 1, 4, MPI.DOUBLE);
 * column.commit();
 * MPI.COMM_WORLD.send(MPI.slice(matrix, 2), 1, column, 1, 0);   // column 2
 * }</pre>
 */
public final class Datatype implements Freeable, Cloneable {
    private final Layout layout;
    private final boolean predefined;
    private boolean committed;
    private boolean freed;
    private String name;

    Datatype(Layout layout, String name) {
        this.layout = layout;
        this.predefined = true;
        this.committed = true;
        this.name = name;
    }

    private Datatype(Layout layout) {
        this.layout = layout;
        this.predefined = false;
        this.name = "";
    }

    /** The type map, for sizes (no checks). */
    Layout layout() {
        return layout;
    }

    /** The type map, for communication: the type must be committed and not freed. */
    Layout use() {
        if (freed) throw new MpiError(MpiError.ERR_TYPE, "the datatype " + describe() + " has been freed");
        if (!committed) throw new MpiError(MpiError.ERR_TYPE, "the datatype " + describe() + " is not committed: call commit() before using it");
        return layout;
    }

    private String describe() {
        return name == null || name.isEmpty() ? layout.toString() : name;
    }

    /** MPI_TYPE_GET_EXTENT: the lower bound, in base elements. */
    public int getLb() throws MPIException {
        return layout.lb;
    }

    /** MPI_TYPE_GET_EXTENT: the extent (span from lower to upper bound), in base elements. */
    public int getExtent() throws MPIException {
        return layout.extent;
    }

    /** MPI_TYPE_GET_TRUE_EXTENT: the lowest element the data touches. */
    public int getTrueLb() throws MPIException {
        return (int) layout.lowest();
    }

    /** MPI_TYPE_GET_TRUE_EXTENT: the span of the data itself. */
    public int getTrueExtent() throws MPIException {
        return (int) (layout.span(1) - layout.lowest());
    }

    /** MPI_TYPE_SIZE: the base elements of data in one item. */
    public int getSize() throws MPIException {
        return layout.size;
    }

    /** MPI_TYPE_COMMIT: makes a derived type usable in communication. */
    public void commit() throws MPIException {
        MPI.check();
        committed = true;
    }

    /** MPI_TYPE_FREE. Predefined types cannot be freed. */
    @Override public void free() throws MPIException {
        MPI.check();
        if (predefined) throw MPI.worldError(new MpiError(MpiError.ERR_TYPE, "cannot free the predefined datatype " + name));
        freed = true;
    }

    /** Whether this is {@code MPI.DATATYPE_NULL} or a freed type. */
    public boolean isNull() {
        return freed || this == MPI.DATATYPE_NULL;
    }

    /** MPI_TYPE_DUP (committed like the original). */
    public Datatype dup() throws MPIException {
        MPI.check();
        Datatype d = new Datatype(layout);
        d.committed = committed;
        d.name = name;
        return d;
    }

    @Override public Datatype clone() {
        try {
            return dup();
        } catch (MPIException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public void setName(String name) throws MPIException {
        this.name = name;
    }

    public String getName() throws MPIException {
        return name;
    }

    // ---------------------------------------------------------------- constructors

    /** MPI_TYPE_CONTIGUOUS: {@code count} copies of {@code oldType}. */
    public static Datatype createContiguous(int count, Datatype oldType) throws MPIException {
        return derive(() -> Layout.contiguous(count, oldType.layout));
    }

    /** MPI_TYPE_VECTOR: {@code count} blocks of {@code blockLength} items, starting {@code stride} items apart. */
    public static Datatype createVector(int count, int blockLength, int stride, Datatype oldType) throws MPIException {
        return derive(() -> Layout.vector(count, blockLength, stride, oldType.layout));
    }

    /** MPI_TYPE_CREATE_HVECTOR: as createVector with the stride in bytes. */
    public static Datatype createHVector(int count, int blockLength, int stride, Datatype oldType) throws MPIException {
        return derive(() -> Layout.hvector(count, blockLength, stride, oldType.layout));
    }

    /** MPI_TYPE_INDEXED: blocks at displacements counted in items of {@code oldType}. */
    public static Datatype createIndexed(int[] blockLengths, int[] displacements, Datatype oldType) throws MPIException {
        return derive(() -> Layout.indexed(blockLengths, displacements, oldType.layout));
    }

    /** MPI_TYPE_CREATE_HINDEXED: as createIndexed with displacements in bytes. */
    public static Datatype createHIndexed(int[] blockLengths, int[] displacements, Datatype oldType) throws MPIException {
        return derive(() -> Layout.hindexed(blockLengths, displacements, oldType.layout));
    }

    /** MPI_TYPE_CREATE_STRUCT: blocks of different types at byte displacements; use with byte buffers. */
    public static Datatype createStruct(int[] blockLengths, int[] displacements, Datatype[] types) throws MPIException {
        return derive(() -> {
            Layout[] ls = new Layout[types.length];
            for (int i = 0; i < ls.length; i++) ls[i] = types[i].layout;
            return Layout.struct(blockLengths, displacements, ls);
        });
    }

    /** MPI_TYPE_CREATE_RESIZED: a new lower bound and extent, both in bytes. */
    public static Datatype createResized(Datatype oldType, int lb, int extent) throws MPIException {
        return derive(() -> Layout.resized(oldType.layout, lb, extent));
    }

    private static Datatype derive(java.util.function.Supplier<Layout> make) throws MPIException {
        MPI.check();
        try {
            return new Datatype(make.get());
        } catch (MpiError e) {
            throw MPI.worldError(e);
        }
    }

    @Override public String toString() {
        return "Datatype[" + describe() + "]";
    }
}
