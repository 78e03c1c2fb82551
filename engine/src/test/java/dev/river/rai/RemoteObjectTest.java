package dev.river.rai;

import dev.river.core.RemoteVrException;
import dev.river.core.VmInfo;
import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RAI against a real engine process; the test's classes reach it by code shipping. */
class RemoteObjectTest {
    static Cluster cluster;
    static VmInfo vm;

    @BeforeAll
    static void up() {
        cluster = Cluster.start(1);
        vm = cluster.vms().get(0);
    }

    @AfterAll
    static void down() {
        cluster.close();
    }

    public interface CalculatorApi {
        int add(int... xs);
        long mul(long a, long b);
        CompletableFuture<String> describe(Object o);
        void reset();
    }

    public static class Calculator implements AutoCloseable {
        private final String name;
        private long total;

        public Calculator() {
            this("calc");
        }

        public Calculator(String name) {
            this.name = name;
        }

        @Exported public int add(int... xs) {
            int s = 0;
            for (int x : xs) s += x;
            total += s;
            return s;
        }

        @Exported public long mul(long a, long b) {
            return a * b;
        }

        public String describe(Object o) {
            return "object " + o;
        }

        public String describe(String s) {
            return "string " + s;
        }

        public String describe(int i) {
            return "int " + i;
        }

        public String describe(long l) {
            return "long " + l;
        }

        public String pair(Integer a, Object b) {
            return "Integer,Object";
        }

        public String pair(Object a, Integer b) {
            return "Object,Integer";
        }

        public long total() {
            return total;
        }

        public String name() {
            return name;
        }

        public void reset() {
            total = 0;
        }

        public int fail(int x) {
            return helper(x);
        }

        private int helper(int x) {
            throw new IllegalStateException("refusing " + x);
        }

        public List<String> where() {
            return new ArrayList<>(List.of(System.getProperty("java.class.path").contains("test-classes") ? "test jvm" : "engine"));
        }

        @Override public void close() {
            total = -1;
        }
    }

    @Test
    void callsByNameOnTheEngineAndKeepsState() {
        try (RemoteObject calc = RemoteObject.create(vm, Calculator.class, "mine")) {
            int six = calc.call("add", 1, 2, 3);
            assertEquals(6, six);
            assertEquals(10, (int) calc.call("add", 4, 6));
            assertEquals(16L, (long) calc.call("total"));
            assertEquals("mine", calc.call("name"));
            assertEquals(List.of("engine"), calc.call("where"));
            assertEquals(vm, calc.vm());
        }
    }

    @Test
    void overloadsAreChosenAsJavacWould() {
        try (RemoteObject calc = RemoteObject.create(vm, Calculator.class)) {
            assertEquals("int 5", calc.call("describe", 5));
            assertEquals("long 5", calc.call("describe", 5L));
            assertEquals("string x", calc.call("describe", "x"));
            assertEquals("object [1]", calc.call("describe", List.of(1)));
            assertEquals("int 7", calc.call("describe", (short) 7));      // short widens to int first
            assertEquals("object 2.5", calc.call("describe", 2.5));       // double: only Object takes it (boxing)
            assertEquals(0, (int) calc.call("add"));                       // varargs with no arguments
            assertEquals(12L, (long) calc.call("mul", 3, 4));               // int arguments widen to long
        }
    }

    @Test
    void ambiguousAndUnknownCallsAreRefusedClearly() {
        try (RemoteObject calc = RemoteObject.create(vm, Calculator.class)) {
            IllegalArgumentException amb = assertThrows(IllegalArgumentException.class, () -> calc.call("pair", 1, 2));
            assertTrue(amb.getMessage().contains("ambiguous"), amb.getMessage());
            assertTrue(amb.getMessage().contains("pair(Integer, Object)") && amb.getMessage().contains("pair(Object, Integer)"), amb.getMessage());

            IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> calc.call("nosuch", 1));
            assertTrue(none.getMessage().contains("no public method named 'nosuch'"), none.getMessage());

            IllegalArgumentException types = assertThrows(IllegalArgumentException.class, () -> calc.call("mul", "a", "b"));
            assertTrue(types.getMessage().contains("mul(long, long)"), types.getMessage());

            assertEquals("Integer,Object", calc.call("pair", 1, "x"));    // still usable after refusals
        }
    }

    @Test
    void constructorsAreChosenByArgumentsToo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RemoteObject.create(vm, Calculator.class, 1, 2));
        assertTrue(e.getMessage().contains("no constructor of Calculator accepts (int, int)"), e.getMessage());
    }

    @Test
    void exceptionsCarryTheRemoteStackTrace() {
        try (RemoteObject calc = RemoteObject.create(vm, Calculator.class)) {
            RemoteVrException e = assertThrows(RemoteVrException.class, () -> calc.call("fail", 3));
            assertEquals("java.lang.IllegalStateException", e.remoteClassName());
            assertEquals("refusing 3", e.remoteMessage());
            assertTrue(Arrays.stream(e.getStackTrace()).anyMatch(s -> s.getMethodName().equals("helper")), Arrays.toString(e.getStackTrace()));
        }
    }

    @Test
    void callAsyncReturnsFuturesThatCompleteInOrder() throws Exception {
        try (RemoteObject calc = RemoteObject.create(vm, Calculator.class)) {
            List<CompletableFuture<Integer>> fs = new ArrayList<>();
            for (int i = 1; i <= 50; i++) fs.add(calc.callAsync("add", i));
            int sum = 0;
            for (CompletableFuture<Integer> f : fs) sum += f.get();
            assertEquals(1275, sum);
            assertEquals(1275L, (long) calc.call("total"));       // calls ran one at a time, none lost
            CompletableFuture<Object> bad = calc.callAsync("fail", 1);
            ExecutionException ee = assertThrows(ExecutionException.class, bad::get);
            assertInstanceOf(RemoteVrException.class, ee.getCause());
        }
    }

    @Test
    void typedProxyCallsTheDeclaredSignature() throws Exception {
        try (RemoteObject calc = RemoteObject.create(vm, Calculator.class)) {
            CalculatorApi api = calc.as(CalculatorApi.class);
            assertEquals(6, api.add(1, 2, 3));
            assertEquals(42L, api.mul(6, 7));
            // the interface says describe(Object): the proxy calls that one even for a String
            assertEquals("object x", api.describe("x").get());
            api.reset();
            assertEquals(0L, (long) calc.call("total"));
            assertTrue(api.toString().contains("Calculator"));
        }
    }

    @Test
    void restrictedObjectsRefuseMethodsThatAreNotExported() {
        try (RemoteObject calc = RemoteObject.createRestricted(vm, Calculator.class)) {
            assertTrue(calc.isRestricted());
            assertEquals(3, (int) calc.call("add", 1, 2));
            SecurityException e = assertThrows(SecurityException.class, () -> calc.call("reset"));
            assertTrue(e.getMessage().contains("not exported"), e.getMessage());
            assertTrue(e.getMessage().contains("add(int...)"), e.getMessage());
            CalculatorApi api = calc.as(CalculatorApi.class);
            assertEquals(20L, api.mul(4, 5));
            SecurityException viaProxy = assertThrows(SecurityException.class, api::reset);
            assertTrue(viaProxy.getMessage().contains("reset()"), viaProxy.getMessage());
        }
    }

    @Test
    void closeReleasesTheObject() {
        RemoteObject calc = RemoteObject.create(vm, Calculator.class);
        calc.call("add", 1);
        calc.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> calc.call("total"));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        calc.close();   // idempotent
    }
}
