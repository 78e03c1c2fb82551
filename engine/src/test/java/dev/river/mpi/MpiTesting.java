package dev.river.mpi;

import dev.river.testing.Cluster;
import dev.river.core.VmInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs MPI test programs on a {@link Cluster}, collecting their output, and the checks the programs
 * use (a failed check throws, which fails the rank and so the job, naming the rank and the check).
 */
final class MpiTesting {
    private MpiTesting() {}

    static List<String> engines(Cluster c) {
        List<String> out = new ArrayList<>();
        for (VmInfo vm : c.vms()) out.add(vm.address());
        return out;
    }

    /** Runs {@code main} with {@code np} ranks on the cluster, quietly; the result holds the output. */
    static Mpirun.Result run(Cluster c, int np, Class<?> main, String... args) {
        List<String> notices = new ArrayList<>();
        Mpirun.Result r = Mpirun.options().np(np).engines(engines(c)).timeout(Duration.ofSeconds(90))
                .output(l -> { }).notices(notices::add).run(main, args);
        return r;
    }

    /** Runs and requires success; returns the result. */
    static Mpirun.Result ok(Cluster c, int np, Class<?> main, String... args) {
        Mpirun.Result r = run(c, np, main, args);
        if (!r.ok()) throw new AssertionError(main.getSimpleName() + " with " + np + " ranks failed: " + r.failure() + "\n" + r.text());
        return r;
    }

    static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError("check failed: " + what);
    }

    static void equal(Object expected, Object actual, String what) {
        if (!java.util.Objects.deepEquals(expected, actual)) {
            throw new AssertionError(what + ": expected " + show(expected) + " but got " + show(actual));
        }
    }

    private static String show(Object o) {
        if (o instanceof int[] a) return java.util.Arrays.toString(a);
        if (o instanceof double[] a) return java.util.Arrays.toString(a);
        if (o instanceof long[] a) return java.util.Arrays.toString(a);
        if (o instanceof Object[] a) return java.util.Arrays.deepToString(a);
        return String.valueOf(o);
    }

    static Duration seconds(int s) {
        return Duration.ofSeconds(s);
    }
}
