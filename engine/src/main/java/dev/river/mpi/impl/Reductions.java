package dev.river.mpi.impl;

import java.nio.ByteBuffer;

/**
 * The predefined reduction operators (MPI_SUM, MPI_MAX, ..., MPI_MAXLOC) on packed data, for every
 * base kind where MPI defines them: arithmetic on numbers (CHAR as unsigned 16 bit), logical on
 * booleans and integers, bitwise on integers and booleans, MAXLOC/MINLOC on the pair types.
 *
 * <p>Internal: the runtime behind {@code mpi.MPI.SUM} and friends.
 */
public final class Reductions {
    public enum Kind { MAX, MIN, SUM, PROD, LAND, BAND, LOR, BOR, LXOR, BXOR, MINLOC, MAXLOC }

    private Reductions() {}

    /** The predefined operator {@code kind}. */
    public static ReduceFn of(Kind kind) {
        return new ReduceFn() {
            @Override public void reduce(ByteBuffer in, ByteBuffer inout, int count, Layout type) {
                apply(kind, in, inout, count, type);
            }

            @Override public String toString() {
                return "MPI." + kind;
            }
        };
    }

    static void apply(Kind op, ByteBuffer in, ByteBuffer inout, int count, Layout type) {
        if (type.complex) {
            complexes(op, type.base, in, inout, (int) ((long) count * type.size / 2));
            return;
        }
        if (type.pair != null) {
            if (op != Kind.MAXLOC && op != Kind.MINLOC) {
                throw new MpiError(MpiError.ERR_OP, "MPI." + op + " is not defined on the pair type " + type.pair
                        + " (pair types are for MPI.MAXLOC and MPI.MINLOC)");
            }
            loc(op == Kind.MAXLOC, type.pair, in, inout, (int) ((long) count * type.packedBytes() / type.pair.packedBytes()));
            return;
        }
        if (op == Kind.MAXLOC || op == Kind.MINLOC) {
            throw new MpiError(MpiError.ERR_OP, "MPI." + op + " needs a pair type (MPI.INT2, MPI.DOUBLE_INT, ...), not " + type.base);
        }
        int n = count * type.size;
        switch (type.base) {
            case DOUBLE -> doubles(op, in, inout, n);
            case FLOAT -> floats(op, in, inout, n);
            case INT -> ints(op, in, inout, n);
            case LONG -> longs(op, in, inout, n);
            case SHORT -> shorts(op, in, inout, n);
            case CHAR -> chars(op, in, inout, n);
            case BYTE -> bytes(op, in, inout, n);
            case BOOLEAN -> booleans(op, in, inout, n);
        }
    }

    /** SUM and PROD of complex numbers (real, imaginary pairs of FLOAT or DOUBLE): {@code io = in op io}. */
    private static void complexes(Kind op, Base part, ByteBuffer in, ByteBuffer io, int n) {
        if (op != Kind.SUM && op != Kind.PROD) {
            throw new MpiError(MpiError.ERR_OP, "MPI." + op + " is not defined on complex numbers (use MPI.SUM or MPI.PROD)");
        }
        int k = part.bytes;
        for (int i = 0, p = 0; i < n; i++, p += 2 * k) {
            double a = k == 8 ? in.getDouble(p) : in.getFloat(p), b = k == 8 ? in.getDouble(p + k) : in.getFloat(p + k);
            double c = k == 8 ? io.getDouble(p) : io.getFloat(p), d = k == 8 ? io.getDouble(p + k) : io.getFloat(p + k);
            double re = op == Kind.SUM ? a + c : a * c - b * d, im = op == Kind.SUM ? b + d : a * d + b * c;
            if (k == 8) {
                io.putDouble(p, re).putDouble(p + k, im);
            } else {
                io.putFloat(p, (float) re).putFloat(p + k, (float) im);
            }
        }
    }

    private static MpiError undefined(Kind op, Base base) {
        return new MpiError(MpiError.ERR_OP, "MPI." + op + " is not defined on MPI." + base);
    }

    private static void doubles(Kind op, ByteBuffer in, ByteBuffer io, int n) {
        int end = n * 8;
        switch (op) {
            case SUM -> { for (int p = 0; p < end; p += 8) io.putDouble(p, in.getDouble(p) + io.getDouble(p)); }
            case PROD -> { for (int p = 0; p < end; p += 8) io.putDouble(p, in.getDouble(p) * io.getDouble(p)); }
            case MAX -> { for (int p = 0; p < end; p += 8) io.putDouble(p, Math.max(in.getDouble(p), io.getDouble(p))); }
            case MIN -> { for (int p = 0; p < end; p += 8) io.putDouble(p, Math.min(in.getDouble(p), io.getDouble(p))); }
            default -> throw undefined(op, Base.DOUBLE);
        }
    }

    private static void floats(Kind op, ByteBuffer in, ByteBuffer io, int n) {
        int end = n * 4;
        switch (op) {
            case SUM -> { for (int p = 0; p < end; p += 4) io.putFloat(p, in.getFloat(p) + io.getFloat(p)); }
            case PROD -> { for (int p = 0; p < end; p += 4) io.putFloat(p, in.getFloat(p) * io.getFloat(p)); }
            case MAX -> { for (int p = 0; p < end; p += 4) io.putFloat(p, Math.max(in.getFloat(p), io.getFloat(p))); }
            case MIN -> { for (int p = 0; p < end; p += 4) io.putFloat(p, Math.min(in.getFloat(p), io.getFloat(p))); }
            default -> throw undefined(op, Base.FLOAT);
        }
    }

    private static void ints(Kind op, ByteBuffer in, ByteBuffer io, int n) {
        for (int i = 0, p = 0; i < n; i++, p += 4) io.putInt(p, (int) integral(op, in.getInt(p), io.getInt(p), Base.INT));
    }

    private static void longs(Kind op, ByteBuffer in, ByteBuffer io, int n) {
        for (int i = 0, p = 0; i < n; i++, p += 8) io.putLong(p, integral(op, in.getLong(p), io.getLong(p), Base.LONG));
    }

    private static void shorts(Kind op, ByteBuffer in, ByteBuffer io, int n) {
        for (int i = 0, p = 0; i < n; i++, p += 2) io.putShort(p, (short) integral(op, in.getShort(p), io.getShort(p), Base.SHORT));
    }

    private static void chars(Kind op, ByteBuffer in, ByteBuffer io, int n) {
        for (int i = 0, p = 0; i < n; i++, p += 2) io.putChar(p, (char) integral(op, in.getChar(p), io.getChar(p), Base.CHAR));
    }

    private static void bytes(Kind op, ByteBuffer in, ByteBuffer io, int n) {
        for (int i = 0; i < n; i++) io.put(i, (byte) integral(op, in.get(i), io.get(i), Base.BYTE));
    }

    private static void booleans(Kind op, ByteBuffer in, ByteBuffer io, int n) {
        for (int i = 0; i < n; i++) {
            boolean a = in.get(i) != 0, b = io.get(i) != 0;
            boolean r = switch (op) {
                case LAND, BAND, MIN -> a && b;
                case LOR, BOR, MAX -> a || b;
                case LXOR, BXOR -> a ^ b;
                default -> throw undefined(op, Base.BOOLEAN);
            };
            io.put(i, r ? (byte) 1 : 0);
        }
    }

    private static long integral(Kind op, long a, long b, Base base) {
        return switch (op) {
            case SUM -> a + b;
            case PROD -> a * b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case LAND -> (a != 0 && b != 0) ? 1 : 0;
            case LOR -> (a != 0 || b != 0) ? 1 : 0;
            case LXOR -> ((a != 0) ^ (b != 0)) ? 1 : 0;
            case BAND -> a & b;
            case BOR -> a | b;
            case BXOR -> a ^ b;
            default -> throw undefined(op, base);
        };
    }

    /** MAXLOC/MINLOC: the extreme value wins; on a tie the smaller index. */
    private static void loc(boolean max, Pair pair, ByteBuffer in, ByteBuffer io, int pairs) {
        int stride = pair.packedBytes();
        int idx = pair.value.bytes;
        for (int i = 0, p = 0; i < pairs; i++, p += stride) {
            int c = switch (pair.value) {
                case DOUBLE -> Double.compare(in.getDouble(p), io.getDouble(p));
                case FLOAT -> Float.compare(in.getFloat(p), io.getFloat(p));
                case LONG -> Long.compare(in.getLong(p), io.getLong(p));
                case SHORT -> Short.compare(in.getShort(p), io.getShort(p));
                default -> Integer.compare(in.getInt(p), io.getInt(p));
            };
            int ia = in.getInt(p + idx), ib = io.getInt(p + idx);
            boolean takeIn = max ? c > 0 : c < 0;
            if (takeIn) {
                for (int k = 0; k < stride; k++) io.put(p + k, in.get(p + k));
            } else if (c == 0 && ia < ib) {
                io.putInt(p + idx, ia);
            }
        }
    }
}
