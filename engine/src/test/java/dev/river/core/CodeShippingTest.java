package dev.river.core;

import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Deploy and code shipping with real engines: every class below exists only in the test class path,
 * which engines do not have, so each reaches them through the VR's class loader.
 */
class CodeShippingTest {
    static Cluster cluster;
    static final Duration T = Duration.ofSeconds(30);

    @BeforeAll static void up() {
        cluster = Cluster.start(2);
    }

    @AfterAll static void down() {
        cluster.close();
    }

    /** A value class that engines do not have. */
    public record Point(int x, int y) implements Serializable {
        Point plus(Point o) {
            return new Point(x + o.x, y + o.y);
        }
    }

    /** Counts in a static field: shared by every VR that shares a class loader. */
    public static final class Counter extends VirtualResource {
        static int count;

        @Override protected void main() {
            count++;
            send(parent(), "count", count, "loader", getClass().getClassLoader().toString(),
                    "engineHasTestClasses", System.getProperty("java.class.path").contains("test-classes"));
        }
    }

    /** Echoes a shipped record after applying a shipped lambda to it. */
    public static final class Applier extends VirtualResource {
        @Override protected void main() {
            Message m = recv("fn", Match.ANY);
            Function<Point, Point> fn = m.get("fn");
            send(m.src(), "result", fn.apply(m.get("point")), "arg0", arg(0));
        }
    }

    /** Reads a resource that only the test class path has. */
    public static final class ResourceReader extends VirtualResource {
        @Override protected void main() throws Exception {
            try (InputStream in = getClass().getResourceAsStream("shipped.txt")) {
                send(parent(), "text", in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
            }
        }
    }

    interface SerializableFunction<A, B> extends Function<A, B>, Serializable {}

    @Test
    void staticsAreIsolatedPerVrEvenOnOneEngine() {
        VirtualResource d = cluster.driver();
        VmInfo one = cluster.vms().get(0);
        List<VrId> kids = d.deploy(List.of(one, one, one), Counter.class);
        List<Integer> counts = new ArrayList<>();
        List<String> loaders = new ArrayList<>();
        for (VrId k : kids) {
            Message m = d.recv(T, "src", k);
            counts.add(m.getInt("count"));
            loaders.add(m.getString("loader"));
            assertFalse(m.getBoolean("engineHasTestClasses"), "engines must not have the test classes");
        }
        assertEquals(List.of(1, 1, 1), counts, "each VR has its own copy of Counter.count");
        assertEquals(3, loaders.stream().distinct().count(), "one class loader per VR");
    }

    @Test
    void recordsAndCapturingLambdasTravelBothWays() {
        VirtualResource d = cluster.driver();
        for (VmInfo vm : cluster.vms()) {
            VrId k = d.deploy(vm, Applier.class, "first-arg");
            Point offset = new Point(10, 20);
            SerializableFunction<Point, Point> fn = p -> p.plus(offset);   // captures offset
            d.send(k, "fn", fn, "point", new Point(1, 2));
            Message m = d.recv(T, "src", k);
            assertEquals(new Point(11, 22), m.get("result"), "the record decodes back into the test's own class");
            assertEquals("first-arg", m.getString("arg0"));
        }
    }

    @Test
    void resourcesAreShippedToo() {
        VirtualResource d = cluster.driver();
        VrId k = d.deploy(cluster.vms().get(1), ResourceReader.class);
        assertEquals("shipped resource: hello from the test class path", d.recv(T, "src", k).getString("text"));
    }

    @Test
    void theSeedsSimpleProgramRunsAsAnInitiator() {
        HelloVr.names.clear();
        River.run(HelloVr.class);
        assertEquals(2, HelloVr.names.size());
        for (String n : HelloVr.names) assertTrue(n.startsWith("engine "), n);
        List<String> expected = cluster.vms().stream().map(v -> "engine " + v.name()).sorted().toList();
        assertEquals(expected, HelloVr.names.stream().sorted().toList());
    }

    /** The seed's "Simple River Program". */
    public static final class HelloVr extends VirtualResource {
        static final List<String> names = new ArrayList<>();
        private List<VrId> children;

        @Override protected boolean vrInit() {
            children = deploy(allocate(discover()), HelloVr.class);
            return true;
        }

        @Override protected void main() {
            if (parent() == null) {
                for (VrId vr : children) names.add(recv(T, "src", vr).getString("myname"));
            } else {
                send(parent(), "myname", "engine " + vm().name());
            }
        }
    }

    @Test
    void deployingSomethingThatIsNotAVrOrHasNoDefaultConstructorFailsClearly() {
        VirtualResource d = cluster.driver();
        RiverException e = assertThrows(RiverException.class, () -> d.deploy(cluster.vms().get(0), NoDefaultCtor.class));
        assertTrue(e.getMessage().contains("constructor without arguments"), e.getMessage());
    }

    public static final class NoDefaultCtor extends VirtualResource {
        public NoDefaultCtor(int x) {}

        @Override protected void main() {}
    }
}
