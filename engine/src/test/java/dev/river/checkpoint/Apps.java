package dev.river.checkpoint;

import dev.river.core.Match;
import dev.river.core.Message;
import dev.river.core.VirtualResource;
import dev.river.core.VrId;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Applications written to the checkpoint programming model, for the tests. */
final class Apps {
    private Apps() {}

    /**
     * A loop VR: one rank of a 1-D heat stencil on a ring. Each step it receives its neighbours' edge
     * values for that step (sent at the end of their previous step, so some are on the wire when it is
     * frozen at the top of a step), relaxes its cells and sends its new edges. After the last step it
     * waits for "finish" and sends its cells to its parent. Args: rank, size, steps, cells per rank.
     */
    public static final class Heat extends VirtualResource {
        private int rank;
        private int size;
        private int steps;
        private VrId left;
        private VrId right;
        private double[] cells;
        private int step;
        private boolean primed;

        @Override protected void main() {
            checkpoint();
            if (cells == null) {
                rank = arg(0);
                size = arg(1);
                steps = arg(2);
                int n = arg(3);
                List<VrId> peers = recv("peers", Match.ANY).get("peers");
                left = peers.get((rank + size - 1) % size);
                right = peers.get((rank + 1) % size);
                cells = new double[n];
                for (int i = 0; i < n; i++) cells[i] = Math.sin(0.001 * (rank * n + i)) * (1 + rank);
            }
            if (!primed) {
                sendEdges();
                primed = true;
            }
            while (step < steps) {
                checkpoint();
                double fromLeft = recv("src", left, "step", step).getDouble("edge");
                double fromRight = recv("src", right, "step", step).getDouble("edge");
                relax(fromLeft, fromRight);
                step++;
                if (step < steps) sendEdges();
            }
            recv("finish", Match.ANY);
            send(parent(), "rank", rank, "cells", cells);
        }

        private void sendEdges() {
            send(left, "step", step, "edge", cells[0]);
            send(right, "step", step, "edge", cells[cells.length - 1]);
        }

        private void relax(double l, double r) {
            double[] next = new double[cells.length];
            for (int i = 0; i < cells.length; i++) {
                double a = i == 0 ? l : cells[i - 1];
                double b = i == cells.length - 1 ? r : cells[i + 1];
                next[i] = cells[i] + 0.24 * (a + b - 2 * cells[i]) + 1e-7 * Math.cos(step + i);
            }
            cells = next;
        }
    }

    /**
     * An event-loop VR: one station of a token ring. Rank 0 starts the token; each station folds every
     * token it sees into {@code acc} and passes it on (rank 0 keeps the last one). Halfway, rank 0 tells its parent and waits for
     * "resume" (a receive: where a checkpoint freezes it). {@code wakeups} is transient, so a restored
     * station counts again from 0. Args: rank, size, rounds.
     */
    public static final class TokenRing extends VirtualResource {
        private int rank;
        private int size;
        private int rounds;
        private VrId next;
        private long acc = 17;
        private int seen;
        private boolean started;
        private boolean announced;
        private boolean resumed;
        private transient int wakeups;

        @Override protected void main() {
            if (next == null) {
                Message m = recv("next", Match.ANY);
                rank = arg(0);
                size = arg(1);
                rounds = arg(2);
                next = m.get("next");
            }
            if (rank == 0 && !started) {
                send(next, "token", 1L);
                started = true;
            }
            while (seen < rounds) {
                if (rank == 0 && seen == rounds / 2 && !resumed) {
                    if (!announced) {
                        send(parent(), "halfway", seen);
                        announced = true;
                    }
                    recv("resume", Match.ANY);
                    resumed = true;
                }
                long token = recv("token", Match.ANY).getLong("token");
                wakeups++;
                acc = acc * 31 + token;
                seen++;
                if (!(rank == 0 && seen == rounds)) send(next, "token", token * 7 % 1_000_003 + rank);
            }
            send(parent(), "rank", rank, "acc", acc, "wakeups", wakeups);
        }
    }

    /**
     * An event-loop VR that checks every sender's numbered messages arrive exactly once and in order
     * ("n" = 0, 1, 2, ... per sender), and reports once {@code senders} of them said "done" and its
     * parent said "finish".
     */
    public static final class Counter extends VirtualResource {
        private final Map<UUID, Integer> next = new HashMap<>();
        private final Map<UUID, String> problems = new HashMap<>();
        private long total;
        private int done;
        private boolean finish;

        @Override protected void main() {
            int senders = arg(0);
            while (done < senders || !finish) {
                Message m = recv();
                if (m.has("finish")) {
                    finish = true;
                    continue;
                }
                UUID src = m.src().uuid();
                if (m.has("done")) {
                    if (next.getOrDefault(src, 0) != m.getInt("done")) {
                        problems.putIfAbsent(src, "said done after " + m.getInt("done") + " but " + next.getOrDefault(src, 0) + " arrived");
                    }
                    done++;
                    continue;
                }
                int n = m.getInt("n");
                int want = next.getOrDefault(src, 0);
                if (n != want) problems.putIfAbsent(src, "expected " + want + ", got " + n);
                next.put(src, n + 1);
                total++;
            }
            send(parent(), "total", total, "problems", new HashMap<>(problems), "where", vm().address());
        }
    }

    /**
     * Sends {@code count} numbered messages to {@code target}, telling its parent once a quarter has
     * gone, then "done". Args: target, count.
     */
    public static final class Sender extends VirtualResource {
        @Override protected void main() {
            VrId target = arg(0);
            int count = arg(1);
            for (int i = 0; i < count; i++) {
                send(target, "n", i);
                if (i == count / 4) send(parent(), "quarter", true);
            }
            send(target, "done", count);
        }
    }

    /**
     * A loop VR as tight as a loop can be: checkpoint() and one addition per iteration, polling for
     * "stop" every 1,000 (it then reports its step and sum). Millions of checkpoint() calls a second.
     */
    public static final class TightLoop extends VirtualResource {
        private long step, sum;

        @Override protected void main() {
            while (true) {
                checkpoint();
                step++;
                sum += step;
                if (step % 1000 == 0 && poll("stop", Match.ANY) != null) {
                    send(parent(), "step", step, "sum", sum);
                    return;
                }
            }
        }
    }

    /** Never reaches a safe point once told to spin (for the "cannot freeze" error). */
    public static final class Spinner extends VirtualResource {
        @Override protected void main() {
            recv("spin", Match.ANY);
            send(parent(), "spinning", true);
            long x = 0;
            while (!Thread.currentThread().isInterrupted()) x += System.nanoTime() & 1;
            if (x == 42) System.out.println(x);
        }
    }

    /** Holds a field that cannot be serialized (not transient), waiting in recv. */
    public static final class Unsavable extends VirtualResource {
        private Thread notSerializable = new Thread(() -> {});

        @Override protected void main() {
            recv("stop", Match.ANY);
            if (notSerializable == null) throw new IllegalStateException();
        }
    }

    /**
     * An event-loop VR holding {@code n} doubles: "add" adds to one, "report" answers the number of
     * updates and the sum, "stop" ends it. Arg: n.
     */
    public static final class Holder extends VirtualResource {
        private double[] state;
        private long updates;

        @Override protected void main() {
            if (state == null) state = new double[(int) arg(0)];
            while (true) {
                Message m = recv();
                if (m.has("stop")) break;
                if (m.has("add")) {
                    state[(int) (updates % state.length)] += m.getDouble("add");
                    updates++;
                }
                if (m.has("report")) {
                    double sum = 0;
                    for (double d : state) sum += d;
                    send(m.src(), "updates", updates, "sum", sum);
                }
            }
            send(parent(), "stopped", updates);
        }
    }
}
