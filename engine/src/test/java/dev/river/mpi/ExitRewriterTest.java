package dev.river.mpi;

import dev.river.mpi.impl.RankTermination;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The class-file rewrite that keeps a rank's System.exit from ending its engine. */
class ExitRewriterTest {

    /** Exits in every shape the rewrite handles, amid code the instruction walker must step over. */
    public static class Quitter {
        public static int viaSystem(int code) {
            int x = 0;
            switch (code) {                              // tableswitch
                case 1 -> x = 10;
                case 2 -> x = 20;
                case 3 -> x = 30;
                default -> x = -1;
            }
            switch (code * 1000) {                       // lookupswitch
                case 1000 -> x += 1;
                case 500_000 -> x += 2;
                default -> x += 3;
            }
            long[] big = new long[300];                  // locals beyond 255 need wide instructions elsewhere; arrays and constants here
            big[299] = x;
            System.exit(code);
            return (int) big[299];
        }

        public static void viaRuntime(int code) {
            Runtime.getRuntime().exit(code);
        }

        public static void viaHalt(int code) {
            Runtime.getRuntime().halt(code);
        }

        public static void viaReference(int code) {
            java.util.function.IntConsumer c = System::exit;
            c.accept(code);
        }

        public static int harmless() {
            return Runtime.getRuntime().availableProcessors() > 0 ? 1 : 0;
        }
    }

    @Test
    void everyExitBecomesARankTermination() throws Exception {
        Class<?> c = rewrittenQuitter();
        assertEquals(3, statusOf(c, "viaSystem", 3));
        assertEquals(4, statusOf(c, "viaRuntime", 4));
        assertEquals(5, statusOf(c, "viaHalt", 5));
        assertEquals(6, statusOf(c, "viaReference", 6));
        assertEquals(1, c.getMethod("harmless").invoke(null), "other Runtime calls are untouched");
    }

    @Test
    void classesWithoutExitsAreLeftAlone() throws IOException {
        byte[] b = bytes(MpiTesting.class);
        assertSame(b, ExitRewriter.rewrite(b));
    }

    @Test
    void garbageIsRefusedWithAClearError() {
        byte[] junk = "java/lang/System and more".getBytes();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExitRewriter.rewrite(junk));
        assertTrue(e.getMessage().contains("cannot parse"), e.getMessage());
    }

    private static int statusOf(Class<?> c, String method, int code) throws Exception {
        Method m = c.getMethod(method, int.class);
        InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> m.invoke(null, code));
        assertTrue(e.getCause() instanceof RankTermination, "got " + e.getCause());
        return ((RankTermination) e.getCause()).status();
    }

    private static Class<?> rewrittenQuitter() throws IOException {
        String name = Quitter.class.getName();
        byte[] rewritten = ExitRewriter.rewrite(bytes(Quitter.class));
        ClassLoader loader = new ClassLoader(ExitRewriterTest.class.getClassLoader()) {
            @Override protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
                if (n.equals(name)) {
                    synchronized (getClassLoadingLock(n)) {
                        Class<?> c = findLoadedClass(n);
                        return c != null ? c : defineClass(n, rewritten, 0, rewritten.length);
                    }
                }
                return super.loadClass(n, resolve);
            }
        };
        try {
            return Class.forName(name, true, loader);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] bytes(Class<?> c) throws IOException {
        try (InputStream in = c.getClassLoader().getResourceAsStream(c.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }
}
