package dev.river.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The chaos monkey of the chaos tests: kills engine processes of this JVM with SIGKILL (kill -9, as a
 * crash or the OOM killer would), chosen and timed by a seeded random source. The seed is printed so a
 * failing run can be replayed with {@code -Driver.chaos.seed=N}; {@code -Driver.chaos.soak=true}
 * (install/test --soak) multiplies the rounds.
 *
 * <pre>{@code
 * Chaos chaos = Chaos.fromSystemProperties("trickle");
 * chaos.kill(vm.name());
 * }</pre>
 */
public final class Chaos {
    private final Random random;
    private final long seed;
    private int kills;   // test thread and progress listeners: guarded by this

    private Chaos(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
    }

    public static Chaos fromSystemProperties(String what) {
        long seed = Long.getLong("river.chaos.seed", System.nanoTime());
        System.out.println("chaos " + what + ": seed " + seed + " (replay with -Driver.chaos.seed=" + seed + ")");
        return new Chaos(seed);
    }

    /** Rounds to run: {@code n}, or ten times as many with -Driver.chaos.soak=true. */
    public static int rounds(int n) {
        return Boolean.getBoolean("river.chaos.soak") ? 10 * n : n;
    }

    public synchronized int nextInt(int bound) {
        return random.nextInt(bound);
    }

    public synchronized <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    public long seed() {
        return seed;
    }

    public synchronized int kills() {
        return kills;
    }

    /**
     * Kills the engine named {@code name} (a child process of this JVM started with {@code --name name})
     * with SIGKILL and waits until it is gone. False if no such engine runs any more.
     */
    public boolean kill(String name) {
        Optional<ProcessHandle> p = engine(name);
        if (p.isEmpty()) return false;
        p.get().destroyForcibly();
        try {
            p.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("engine " + name + " (pid " + p.get().pid() + ") survived SIGKILL for 30 s", e);
        }
        synchronized (this) {
            kills++;
        }
        return true;
    }

    /** The live engine process named {@code name} among this JVM's descendants. */
    public static Optional<ProcessHandle> engine(String name) {
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .filter(ph -> {
                    String[] args = ph.info().arguments().orElse(new String[0]);
                    for (int i = 0; i + 1 < args.length; i++) if (args[i].equals("--name") && args[i + 1].equals(name)) return true;
                    return false;
                })
                .findFirst();
    }

    /** {@code n} distinct random numbers in [0, bound), sorted: the moments (progress counts) to strike at. */
    public synchronized List<Integer> moments(int n, int bound) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < bound; i++) all.add(i);
        java.util.Collections.shuffle(all, random);
        List<Integer> out = new ArrayList<>(all.subList(0, Math.min(n, bound)));
        out.sort(null);
        return out;
    }
}
