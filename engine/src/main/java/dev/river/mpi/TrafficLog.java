package dev.river.mpi;

import dev.river.core.Message;

import java.util.ArrayList;
import java.util.List;

/** Gathers the {@link Traffic} the ranks report at their end. The mpirun loop's thread only. */
final class TrafficLog {
    private final int np;
    private final long[][] messages;       // per rank, as it reported (null: not reported)
    private final long[][] bytes;
    private final List<Traffic.Collective> collectives = new ArrayList<>();

    TrafficLog(int np) {
        this.np = np;
        this.messages = new long[np][];
        this.bytes = new long[np][];
    }

    /** Keeps what rank {@code r}'s exit message says it sent and spent in collectives (a rank that never ran says nothing). */
    void add(int r, Message m) {
        if (!m.has("sentMessages")) return;
        long[] msgs = m.get("sentMessages"), sent = m.get("sentBytes");
        if (msgs.length != np || sent.length != np) return;        // not this job's shape: a picture is not worth failing the run
        messages[r] = msgs;
        bytes[r] = sent;
        String[] names = m.get("collectives");
        long[] calls = m.get("collectiveCalls"), nanos = m.get("collectiveNanos");
        for (int i = 0; i < names.length; i++) collectives.add(new Traffic.Collective(names[i], r, calls[i], nanos[i]));
    }

    Traffic build() {
        long[][] msgs = new long[np][], sent = new long[np][];
        for (int r = 0; r < np; r++) {
            msgs[r] = messages[r] == null ? new long[np] : messages[r];
            sent[r] = bytes[r] == null ? new long[np] : bytes[r];
        }
        return new Traffic(msgs, sent, collectives);
    }
}
