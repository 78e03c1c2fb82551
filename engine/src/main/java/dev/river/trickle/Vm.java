package dev.river.trickle;

import dev.river.core.VmInfo;

import java.util.Collections;
import java.util.List;

/**
 * One engine of a Trickle session, with its worker ready to run tasks.
 *
 * <pre>{@code
 * try (Trickle t = Trickle.connect()) {
 *     for (Vm vm : t.vms()) System.out.println(vm.name() + ": " + vm.call(x -> x + 10, 10));   // 20 from each
 * }
 * }</pre>
 */
public final class Vm {
    private final Trickle session;
    final WorkerState state;

    Vm(Trickle session, WorkerState state) {
        this.session = session;
        this.state = state;
    }

    /**
     * Runs {@code fn(arg)} on this engine and waits for the result (one network round trip).
     *
     * @throws TaskFailedException if fn threw, with the remote stack trace
     */
    public <T, R> R call(Task<T, R> fn, T arg) {
        return session.call(this, fn, arg);
    }

    /** Starts {@code fn(arg)} on this engine; the handle gives the result. */
    public <T, R> Handle<R> submit(Task<T, R> fn, T arg) {
        return session.fork(List.of(this), fn, Collections.singletonList(arg)).get(0);
    }

    /** The engine's name. */
    public String name() {
        return state.name();
    }

    /** What discovery knew of the engine when the session connected. */
    public VmInfo info() {
        return state.info;
    }

    /** False once the session has lost the engine (it died or stopped answering). */
    public boolean isAlive() {
        return state.alive;
    }

    @Override public String toString() {
        return "Vm[" + name() + " " + state.info.address() + ", " + state.cores + " cores" + (isAlive() ? "" : ", lost: " + state.lostReason) + "]";
    }
}
