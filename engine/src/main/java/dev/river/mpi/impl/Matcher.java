package dev.river.mpi.impl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;

/**
 * MPI message matching: the posted receives (in the order they were posted) and the unexpected
 * messages (in the order they arrived), per communicator context. A message goes to the first posted
 * receive that matches it; a receive takes the first unexpected message that matches it. Because a
 * message is queued only when no posted receive matches it (and the other way round), no posted receive
 * ever matches a queued message, and messages between two ranks on one communicator are received in the
 * order they were sent, as MPI requires.
 *
 * <p>Threads: used only under the fabric's lock.
 */
final class Matcher {
    private static final class Queues {
        final LinkedList<RecvReq> posted = new LinkedList<>();
        final LinkedList<Msg> unexpected = new LinkedList<>();
    }

    private final HashMap<Integer, Queues> byContext = new HashMap<>();
    private int unexpectedCount;

    private Queues queues(int ctx) {
        return byContext.computeIfAbsent(ctx, c -> new Queues());
    }

    void post(RecvReq r) {
        queues(r.ctx).posted.add(r);
    }

    /** Removes and returns the first posted receive matching the envelope, or null. */
    RecvReq takePosted(int ctx, int src, int tag) {
        Queues q = byContext.get(ctx);
        if (q == null || q.posted.isEmpty()) return null;
        for (Iterator<RecvReq> it = q.posted.iterator(); it.hasNext(); ) {
            RecvReq r = it.next();
            if (r.matches(ctx, src, tag)) {
                it.remove();
                return r;
            }
        }
        return null;
    }

    boolean removePosted(RecvReq r) {
        Queues q = byContext.get(r.ctx);
        return q != null && q.posted.remove(r);
    }

    void addUnexpected(Msg m) {
        queues(m.ctx).unexpected.add(m);
        unexpectedCount++;
    }

    /** Removes and returns the first unexpected message a receive for (ctx, src, tag) matches, or null. */
    Msg takeUnexpected(int ctx, int src, int tag) {
        Queues q = byContext.get(ctx);
        if (q == null || q.unexpected.isEmpty()) return null;
        for (Iterator<Msg> it = q.unexpected.iterator(); it.hasNext(); ) {
            Msg m = it.next();
            if (matches(m, src, tag)) {
                it.remove();
                unexpectedCount--;
                return m;
            }
        }
        return null;
    }

    Msg peekUnexpected(int ctx, int src, int tag) {
        Queues q = byContext.get(ctx);
        if (q == null) return null;
        for (Msg m : q.unexpected) if (matches(m, src, tag)) return m;
        return null;
    }

    private static boolean matches(Msg m, int src, int tag) {
        return (src == Req.ANY || src == m.src) && (tag == Req.ANY || tag == m.tag);
    }

    /** Removes and returns the posted receives that wait for {@code world} specifically. */
    List<RecvReq> takePostedFrom(int world) {
        List<RecvReq> out = new ArrayList<>();
        for (Queues q : byContext.values()) {
            for (Iterator<RecvReq> it = q.posted.iterator(); it.hasNext(); ) {
                RecvReq r = it.next();
                if (r.wantWorld == world) {
                    it.remove();
                    out.add(r);
                }
            }
        }
        return out;
    }

    int unexpectedCount() {
        return unexpectedCount;
    }
}
