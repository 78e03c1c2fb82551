package dev.river.mpi;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites a class file so that {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt}
 * end the rank instead of the engine's JVM: a rank must never take its engine down, and this has to
 * work on Java 17 and on Java 25, where the SecurityManager that could veto an exit is gone.
 *
 * <p>How: {@code System.exit(I)V} is a static call, so the rewrite only points its constant-pool
 * method reference at {@link dev.river.mpi.impl.RankExit} (same name and descriptor); this also covers
 * method references ({@code System::exit}), which go through the same entry. {@code Runtime.exit} and
 * {@code halt} are virtual calls on a Runtime; each {@code invokevirtual} of them becomes an
 * {@code invokestatic} of {@code RankExit.runtimeExit/runtimeHalt(Runtime, int)}, which takes the same
 * operands from the stack. Both instructions are three bytes long, so no offset, stack map or
 * exception table changes; new constants are appended to the pool.
 *
 * <p>Not covered: exits through reflection or a bound method handle of Runtime.exit, and exits in
 * classes the rank does not define itself (the JDK, River's libraries).
 */
final class ExitRewriter {
    private static final String RANK_EXIT = "dev/river/mpi/impl/RankExit";
    private static final int UTF8 = 1, CLASS = 7, METHODREF = 10, NAME_AND_TYPE = 12;
    private static final int INVOKEVIRTUAL = 0xb6, INVOKESTATIC = 0xb8;

    private ExitRewriter() {}

    /** The class with its exits rewritten, or the same array when it has none. */
    static byte[] rewrite(byte[] classFile) {
        if (!mentions(classFile, "java/lang/System") && !mentions(classFile, "java/lang/Runtime")) return classFile;
        try {
            return new Parsed(classFile).rewrite();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot parse the class file for the System.exit rewrite: " + e, e);
        }
    }

    private static boolean mentions(byte[] b, String s) {
        byte[] n = s.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i <= b.length - n.length; i++) {
            for (int j = 0; j < n.length; j++) if (b[i + j] != n[j]) continue outer;
            return true;
        }
        return false;
    }

    /** The parts of a class file the rewrite needs: the constant pool entries and where the code is. */
    private static final class Parsed {
        private final byte[] b;
        private final int count;              // constant_pool_count
        private final int[] tag, offset;      // per entry: tag and offset of the entry's info (after the tag)
        private final int poolEnd;

        Parsed(byte[] b) {
            this.b = b;
            ByteBuffer in = ByteBuffer.wrap(b);
            if (in.getInt() != 0xCAFEBABE) throw new IllegalArgumentException("not a class file");
            in.getShort();
            in.getShort();
            count = Short.toUnsignedInt(in.getShort());
            tag = new int[count];
            offset = new int[count];
            for (int i = 1; i < count; i++) {
                int t = Byte.toUnsignedInt(in.get());
                tag[i] = t;
                offset[i] = in.position();
                switch (t) {
                    case UTF8 -> in.position(in.position() + 2 + Short.toUnsignedInt(in.getShort(in.position())));
                    case 3, 4 -> in.position(in.position() + 4);
                    case 5, 6 -> {
                        in.position(in.position() + 8);
                        i++;
                    }
                    case CLASS, 8, 16, 19, 20 -> in.position(in.position() + 2);
                    case 9, METHODREF, 11, NAME_AND_TYPE, 17, 18 -> in.position(in.position() + 4);
                    case 15 -> in.position(in.position() + 3);
                    default -> throw new IllegalArgumentException("unknown constant pool tag " + t + " at entry " + i);
                }
            }
            poolEnd = in.position();
        }

        private int u2(int at) {
            return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
        }

        private int u4(int at) {
            return (u2(at) << 16) | u2(at + 2);
        }

        private String utf8(int index) {
            int at = offset[index];
            return new String(b, at + 2, u2(at), StandardCharsets.UTF_8);  // class names and ASCII members: plain UTF-8 is enough
        }

        private String className(int classIndex) {
            return utf8(u2(offset[classIndex]));
        }

        /** "owner.name:descriptor" of a Methodref entry. */
        private String method(int index) {
            int at = offset[index];
            int nat = offset[u2(at + 2)];
            return className(u2(at)) + "." + utf8(u2(nat)) + ":" + utf8(u2(nat + 2));
        }

        byte[] rewrite() {
            byte[] out = b.clone();
            List<byte[]> added = new ArrayList<>();
            int next = count;
            int rankExitClass = -1;
            int runtimeExit = -1, runtimeHalt = -1;      // the original Methodref entries
            for (int i = 1; i < count; i++) {
                if (tag[i] != METHODREF) continue;
                String m = method(i);
                if (m.equals("java/lang/System.exit:(I)V")) {
                    if (rankExitClass < 0) {
                        added.add(utf8Entry(RANK_EXIT));
                        added.add(new byte[]{CLASS, (byte) (next >> 8), (byte) next});
                        rankExitClass = next + 1;
                        next += 2;
                    }
                    out[offset[i]] = (byte) (rankExitClass >> 8);      // same name and type, new owner
                    out[offset[i] + 1] = (byte) rankExitClass;
                } else if (m.equals("java/lang/Runtime.exit:(I)V")) {
                    runtimeExit = i;
                } else if (m.equals("java/lang/Runtime.halt:(I)V")) {
                    runtimeHalt = i;
                }
            }
            int newExit = -1, newHalt = -1;
            if (runtimeExit > 0 || runtimeHalt > 0) {
                if (rankExitClass < 0) {
                    added.add(utf8Entry(RANK_EXIT));
                    added.add(new byte[]{CLASS, (byte) (next >> 8), (byte) next});
                    rankExitClass = next + 1;
                    next += 2;
                }
                added.add(utf8Entry("(Ljava/lang/Runtime;I)V"));
                int desc = next++;
                if (runtimeExit > 0) {
                    next = addMethod(added, next, rankExitClass, "runtimeExit", desc);
                    newExit = next - 1;
                }
                if (runtimeHalt > 0) {
                    next = addMethod(added, next, rankExitClass, "runtimeHalt", desc);
                    newHalt = next - 1;
                }
                patchCode(out, runtimeExit, newExit, runtimeHalt, newHalt);
            }
            if (added.isEmpty()) return out;
            if (next > 0xffff) throw new IllegalArgumentException("constant pool overflow");
            ByteArrayOutputStream res = new ByteArrayOutputStream(out.length + 128);
            res.write(out, 0, 8);
            res.write(next >> 8);
            res.write(next);
            res.write(out, 10, poolEnd - 10);
            for (byte[] e : added) res.write(e, 0, e.length);
            res.write(out, poolEnd, out.length - poolEnd);
            return res.toByteArray();
        }

        /** Appends Utf8(name), NameAndType, Methodref; returns the next free index (the Methodref is next - 1). */
        private static int addMethod(List<byte[]> added, int next, int owner, String name, int desc) {
            added.add(utf8Entry(name));
            int n = next++;
            added.add(new byte[]{NAME_AND_TYPE, (byte) (n >> 8), (byte) n, (byte) (desc >> 8), (byte) desc});
            int nat = next++;
            added.add(new byte[]{METHODREF, (byte) (owner >> 8), (byte) owner, (byte) (nat >> 8), (byte) nat});
            return next + 1;
        }

        private static byte[] utf8Entry(String s) {
            try {
                ByteArrayOutputStream o = new ByteArrayOutputStream();
                DataOutputStream d = new DataOutputStream(o);
                d.writeByte(UTF8);
                d.writeUTF(s);
                return o.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Turns {@code invokevirtual oldRef} into {@code invokestatic newRef} in every method's code. */
        private void patchCode(byte[] out, int oldExit, int newExit, int oldHalt, int newHalt) {
            int at = poolEnd + 6;                                     // access, this, super
            at += 2 + 2 * u2(at);                                     // interfaces
            int fields = u2(at);
            at += 2;
            for (int i = 0; i < fields; i++) at = skipMember(at);
            int methods = u2(at);
            at += 2;
            for (int m = 0; m < methods; m++) {
                int attrs = u2(at + 6);
                int p = at + 8;
                for (int a = 0; a < attrs; a++) {
                    int len = u4(p + 2);
                    if ("Code".equals(utf8(u2(p)))) {
                        int codeLen = u4(p + 6 + 4);
                        int code = p + 6 + 8;
                        patchInstructions(out, code, codeLen, oldExit, newExit, oldHalt, newHalt);
                    }
                    p += 6 + len;
                }
                at = p;
            }
        }

        private int skipMember(int p) {
            int attrs = u2(p + 6);
            p += 8;
            for (int a = 0; a < attrs; a++) p += 6 + u4(p + 2);
            return p;
        }

        private void patchInstructions(byte[] out, int code, int len, int oldExit, int newExit, int oldHalt, int newHalt) {
            int pc = 0;
            while (pc < len) {
                int op = b[code + pc] & 0xff;
                if (op == INVOKEVIRTUAL) {
                    int ref = u2(code + pc + 1);
                    int target = ref == oldExit ? newExit : ref == oldHalt ? newHalt : -1;
                    if (target > 0) {
                        out[code + pc] = (byte) INVOKESTATIC;
                        out[code + pc + 1] = (byte) (target >> 8);
                        out[code + pc + 2] = (byte) target;
                    }
                }
                pc += length(code, pc, op);
            }
        }

        /** The length of the instruction at {@code pc} (JVMS 6.5). */
        private int length(int code, int pc, int op) {
            switch (op) {
                case 0xaa: {                                          // tableswitch
                    int p = (pc + 4) & ~3;
                    int low = u4(code + p + 4), high = u4(code + p + 8);
                    return p - pc + 12 + 4 * (high - low + 1);
                }
                case 0xab: {                                          // lookupswitch
                    int p = (pc + 4) & ~3;
                    int n = u4(code + p + 4);
                    return p - pc + 8 + 8 * n;
                }
                case 0xc4:                                            // wide
                    return (b[code + pc + 1] & 0xff) == 0x84 ? 6 : 4;
                default:
                    return LENGTHS[op];
            }
        }
    }

    /** Instruction lengths by opcode, for the fixed-length instructions. */
    private static final int[] LENGTHS = new int[256];

    static {
        java.util.Arrays.fill(LENGTHS, 1);
        for (int op : new int[]{0x10, 0x12, 0x15, 0x16, 0x17, 0x18, 0x19, 0x36, 0x37, 0x38, 0x39, 0x3a, 0xa9, 0xbc}) LENGTHS[op] = 2;
        for (int op : new int[]{0x11, 0x13, 0x14, 0x84, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xbb, 0xbd, 0xc0, 0xc1, 0xc6, 0xc7}) LENGTHS[op] = 3;
        for (int op = 0x99; op <= 0xa8; op++) LENGTHS[op] = 3;       // if*, goto, jsr
        LENGTHS[0xc5] = 4;                                            // multianewarray
        LENGTHS[0xb9] = 5;                                            // invokeinterface
        LENGTHS[0xba] = 5;                                            // invokedynamic
        LENGTHS[0xc8] = 5;                                            // goto_w
        LENGTHS[0xc9] = 5;                                            // jsr_w
    }
}
