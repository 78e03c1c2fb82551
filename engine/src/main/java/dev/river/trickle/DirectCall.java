package dev.river.trickle;

import dev.river.core.Message;
import dev.river.core.RecvTimeoutException;
import dev.river.core.RemoteVrException;
import dev.river.core.RiverException;
import dev.river.core.VirtualResource;

import java.time.Duration;
import java.util.List;

/**
 * The direct path of {@code vm.call}: the calling thread sends the task to the engine's worker and
 * waits for the answer itself, so a call costs one network round trip and no hand-over to the
 * {@link Dispatcher}; when the engine is lost meanwhile, the call falls back to {@code vm.submit},
 * which the dispatcher re-runs on another engine. It is kept apart from {@link Trickle} because it
 * is a receive loop with its own failure handling, separate from the session's public operations;
 * {@code Trickle.call} checks its arguments and delegates here.
 */
final class DirectCall {
    private static final Duration DIRECT_POLL = Duration.ofMillis(250);

    private DirectCall() {}

    static <T, R> R run(Trickle session, VirtualResource driver, Dispatcher dispatcher, Vm vm, Task<T, R> fn, T arg) {
        WorkerState w = vm.state;
        if (!w.alive || !dispatcher.isAlive()) return vm.submit(fn, arg).get();
        long job = dispatcher.newJobId();
        try {
            driver.send(w.vr, Wire.KIND, Wire.RUN, "job", job, "ids", new int[]{0}, "arg", arg,
                    "fn", fn, "mode", Wire.APPLY, "once", Boolean.TRUE, "direct", Boolean.TRUE);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("call: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            return vm.submit(fn, arg).get();      // the engine is gone: run it elsewhere
        }
        while (true) {
            Message m;
            try {
                m = driver.recv(DIRECT_POLL, Wire.KIND, Wire.DIRECT, "job", job);
            } catch (RecvTimeoutException e) {
                if (session.isClosed()) throw new RiverException("the Trickle session was closed while a call on " + vm.name() + " ran");
                if (!w.alive) return vm.submit(fn, arg).get();   // its engine was lost: run it elsewhere
                continue;
            } catch (RemoteVrException e) {
                dispatcher.workerFailed(e);       // an alert meant for the dispatcher
                continue;
            } catch (RiverException e) {
                if (Thread.currentThread().isInterrupted()) {
                    try {
                        driver.send(w.vr, Wire.KIND, Wire.CANCEL, "job", job);
                    } catch (RuntimeException ignored) {
                        // the engine is gone anyway
                    }
                    throw new RiverException("interrupted while waiting for a call on " + vm.name() + "; it was cancelled", e);
                }
                continue;                         // e.g. an undeliverable notice: liveness checks handle it
            }
            Object[] errs = m.get("errs");
            if (errs != null && errs[0] instanceof RemoteVrException err) {
                TaskFailedException.Failure f = new TaskFailedException.Failure(0, 0, 0,
                        "(" + Job.Describe.value(arg) + ")", w.name(), err);
                throw new TaskFailedException("call", "task", 1, List.of(f), null);
            }
            @SuppressWarnings("unchecked") R r = (R) m.get("val");
            return r;
        }
    }
}
