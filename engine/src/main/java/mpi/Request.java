package mpi;

import dev.river.mpi.impl.Fabric;
import dev.river.mpi.impl.MpiError;
import dev.river.mpi.impl.Req;

import java.util.ArrayList;
import java.util.List;

/**
 * A non-blocking operation in progress (iSend, iRecv, a non-blocking collective). Wait for it or test
 * it; once complete it becomes inactive ({@link #isNull()} is then true), as in the Open MPI Java
 * bindings.
 *
 * <pre>{@code
 * DoubleBuffer in = MPI.newDoubleBuffer(n), out = MPI.newDoubleBuffer(n);
 * Request r = MPI.COMM_WORLD.iRecv(in, n, MPI.DOUBLE, left, 0);
 * Request s = MPI.COMM_WORLD.iSend(out, n, MPI.DOUBLE, right, 0);
 * Request.waitAll(new Request[]{r, s});
 * }</pre>
 */
public class Request implements Freeable {
    Req req;
    final Comm comm;

    Request(Req req, Comm comm) {
        this.req = req;
        this.comm = comm;
    }

    static Fabric fabric() {
        return MPI.rank().fabric();
    }

    /** Ends the request: its error goes to the communicator's error handler; returns its status. */
    Status finish(int index) throws MPIException {
        Req r = req;
        req = null;
        return status(r, index);
    }

    Status status(Req r, int index) throws MPIException {
        MpiError e = r.error();
        if (e != null) throw comm != null ? comm.error(e) : MPI.worldError(e);
        return new Status(r, index);
    }

    private static Status empty(int index) {
        return new Status(Req.completed(MPI.ANY_SOURCE, MPI.ANY_TAG), index);
    }

    /** MPI_REQUEST_FREE: forgets the request; the operation itself still completes. */
    @Override public void free() throws MPIException {
        if (req != null) MPI.check();
        req = null;
    }

    /** MPI_CANCEL: cancels a receive that has not matched a message yet (sends cannot be cancelled). */
    public final void cancel() throws MPIException {
        MPI.check();
        if (req != null) fabric().cancel(req);
    }

    /** Whether the request is null: completed and waited for, or freed (a persistent request stays non-null until freed). */
    public final boolean isNull() {
        return req == null && !reusable();
    }

    /** Whether an inactive request can be started again (persistent requests). */
    boolean reusable() {
        return false;
    }

    /** MPI_WAIT with status. */
    public final Status waitStatus() throws MPIException {
        MPI.check();
        if (req == null) return empty(MPI.UNDEFINED);
        fabric().await(req);
        return finish(MPI.UNDEFINED);
    }

    /** MPI_WAIT. */
    public final void waitFor() throws MPIException {
        waitStatus();
    }

    /** MPI_TEST with status: the status if complete (the request becomes inactive), else null. */
    public final Status testStatus() throws MPIException {
        MPI.check();
        if (req == null) return empty(MPI.UNDEFINED);
        return fabric().test(req) ? finish(MPI.UNDEFINED) : null;
    }

    /** MPI_TEST. */
    public final boolean test() throws MPIException {
        return testStatus() != null;
    }

    /** MPI_REQUEST_GET_STATUS: the status if complete, else null; the request stays as it is. */
    public final Status getStatus() throws MPIException {
        MPI.check();
        if (req == null) return empty(MPI.UNDEFINED);
        return fabric().test(req) ? status(req, MPI.UNDEFINED) : null;
    }

    // ---------------------------------------------------------------- arrays of requests

    /** MPI_WAITANY with status; {@link Status#getIndex()} tells which; UNDEFINED index if all are inactive. */
    public static Status waitAnyStatus(Request[] requests) throws MPIException {
        MPI.check();
        if (!anyActive(requests)) return empty(MPI.UNDEFINED);
        fabric().await(() -> firstDone(requests) >= 0);
        int i = firstDone(requests);
        return requests[i].finish(i);
    }

    /** MPI_WAITANY: the index of a completed request, or {@code MPI.UNDEFINED} if all are inactive. */
    public static int waitAny(Request[] requests) throws MPIException {
        return waitAnyStatus(requests).getIndex();
    }

    /** MPI_TESTANY with status: a completed request's status, or null if none completed yet. */
    public static Status testAnyStatus(Request[] requests) throws MPIException {
        MPI.check();
        if (!anyActive(requests)) return empty(MPI.UNDEFINED);
        progress(requests);
        int i = firstDone(requests);
        return i < 0 ? null : requests[i].finish(i);
    }

    /** MPI_TESTANY: a completed request's index, or {@code MPI.UNDEFINED}. */
    public static int testAny(Request[] requests) throws MPIException {
        Status s = testAnyStatus(requests);
        return s == null ? MPI.UNDEFINED : s.getIndex();
    }

    /** MPI_WAITALL with statuses (null for requests that were inactive). */
    public static Status[] waitAllStatus(Request[] requests) throws MPIException {
        MPI.check();
        fabric().await(() -> allDone(requests));
        Status[] out = new Status[requests.length];
        for (int i = 0; i < requests.length; i++) if (requests[i].req != null) out[i] = requests[i].finish(i);
        return out;
    }

    /** MPI_WAITALL. */
    public static void waitAll(Request[] requests) throws MPIException {
        waitAllStatus(requests);
    }

    /** MPI_TESTALL with statuses: all statuses if every request completed, else null (nothing changes). */
    public static Status[] testAllStatus(Request[] requests) throws MPIException {
        MPI.check();
        progress(requests);
        return allDone(requests) ? waitAllStatus(requests) : null;
    }

    /** MPI_TESTALL. */
    public static boolean testAll(Request[] requests) throws MPIException {
        return testAllStatus(requests) != null;
    }

    /** MPI_WAITSOME with statuses: waits until at least one completes; null if all are inactive. */
    public static Status[] waitSomeStatus(Request[] requests) throws MPIException {
        MPI.check();
        if (!anyActive(requests)) return null;
        fabric().await(() -> firstDone(requests) >= 0);
        return collectDone(requests);
    }

    /** MPI_WAITSOME: indices of the completed requests; null if all are inactive. */
    public static int[] waitSome(Request[] requests) throws MPIException {
        return indices(waitSomeStatus(requests));
    }

    /** MPI_TESTSOME with statuses: the completed ones (possibly none); null if all are inactive. */
    public static Status[] testSomeStatus(Request[] requests) throws MPIException {
        MPI.check();
        if (!anyActive(requests)) return null;
        progress(requests);
        return collectDone(requests);
    }

    /** MPI_TESTSOME: indices of the completed requests (possibly none); null if all are inactive. */
    public static int[] testSome(Request[] requests) throws MPIException {
        return indices(testSomeStatus(requests));
    }

    /** One round of progress for all of them (a loop of tests must move every request, not just the first). */
    private static void progress(Request[] requests) {
        if (anyActive(requests)) fabric().progress();
    }

    private static boolean anyActive(Request[] requests) {
        for (Request r : requests) if (r.req != null) return true;
        return false;
    }

    private static int firstDone(Request[] requests) {
        for (int i = 0; i < requests.length; i++) if (requests[i].req != null && requests[i].req.isDone()) return i;
        return -1;
    }

    private static boolean allDone(Request[] requests) {
        for (Request r : requests) if (r.req != null && !r.req.isDone()) return false;
        return true;
    }

    private static Status[] collectDone(Request[] requests) throws MPIException {
        List<Status> out = new ArrayList<>();
        for (int i = 0; i < requests.length; i++) {
            if (requests[i].req != null && requests[i].req.isDone()) out.add(requests[i].finish(i));
        }
        return out.toArray(new Status[0]);
    }

    private static int[] indices(Status[] s) {
        if (s == null) return null;
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) out[i] = s[i].getIndex();
        return out;
    }
}
