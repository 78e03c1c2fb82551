package dev.river.rai;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Overload resolution alone, without engines. */
class OverloadsTest {
    public static class Target {
        public String f(int x) { return "int"; }
        public String f(long x) { return "long"; }
        public String f(Integer x) { return "Integer"; }
        public String f(Object x) { return "Object"; }
        public String f(int... xs) { return "int..."; }
        public String g(Number n) { return "Number"; }
        public String g(Object o) { return "Object"; }
        public String h(String s, Object... rest) { return "String,Object..."; }
        public String k(char c) { return "char"; }
        public String m(double d) { return "double"; }
        public String n(Object o) { return "Object"; }
        public String n(String s) { return "String"; }
    }

    private static String pick(String name, Object... args) {
        Overloads.Choice<Method> c = Overloads.method(Target.class, name, args, m -> true);
        return c.target().getName() + Overloads.signature(c.target()).substring(c.target().getName().length());
    }

    @Test
    void phaseOnePrefersExactPrimitiveThenWidening() {
        assertEquals("f(int)", pick("f", 1));
        assertEquals("f(long)", pick("f", 1L));
        assertEquals("f(int)", pick("f", (byte) 1));
        assertEquals("m(double)", pick("m", 1));             // int widens to double
        assertEquals("m(double)", pick("m", 1.5f));
    }

    @Test
    void phaseTwoBoxesWhenNoPrimitiveFits() {
        assertEquals("g(Number)", pick("g", 1));              // Integer is a Number: more specific than Object
        assertEquals("f(Object)", pick("f", "s"));
        assertEquals("f(Object)", pick("f", 2.5));            // no double overload: boxing to Object
    }

    @Test
    void nullPicksTheMostSpecificReference() {
        assertEquals("n(String)", pick("n", (Object) null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pick("f", (Object) null));
        assertTrue(e.getMessage().contains("ambiguous"), e.getMessage());   // Integer, Object, int[]: int[] and Integer unrelated
    }

    @Test
    void varargsComeLastAndArePacked() {
        assertEquals("f(int...)", pick("f", 1, 2, 3));
        assertEquals("f(int...)", pick("f"));
        Overloads.Choice<Method> c = Overloads.method(Target.class, "h", new Object[]{"a", 1, "b"}, m -> true);
        assertEquals(2, c.args().length);
        assertArrayEquals(new Object[]{1, "b"}, (Object[]) c.args()[1]);
    }

    @Test
    void charIsNotAWideningTarget() {
        assertThrows(IllegalArgumentException.class, () -> pick("k", 65));
        assertEquals("k(char)", pick("k", 'A'));
    }

    @Test
    void hiddenMethodsAreReportedAsNotExported() {
        SecurityException e = assertThrows(SecurityException.class,
                () -> Overloads.method(Target.class, "g", new Object[]{1}, m -> m.getName().equals("f")));
        assertTrue(e.getMessage().contains("not exported"), e.getMessage());
    }
}
