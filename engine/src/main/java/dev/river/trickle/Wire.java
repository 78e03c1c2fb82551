package dev.river.trickle;

/**
 * Trickle's messages between the driver (the caller's side) and the workers (one per engine). Every
 * message has an attribute {@code k}, its kind; the rest depends on the kind.
 *
 * <pre>
 * driver -> worker
 *   RUN    job:long ids:int[] (arg:any | args:List)  [fn:Task mode:int once:bool, with a job's first batch]
 *   CANCEL job:long          drop the job's queued tasks, interrupt its running ones, forget its fn
 *   PING   n:long            answered by PONG at once, even while every executor thread is busy
 *   STOP                     the worker ends
 * worker -> driver
 *   DONE   job:long ids:int[] ns:long[] (val:any | vals:Object[]) [errs:Object[]]
 *   DIRECT job:long ids:int[] ns:long[] val:any [errs:Object[]]   answer to a RUN marked direct:true,
 *                            which the calling thread itself waits for (the latency path of Vm.call)
 *   PONG   n:long
 *   PING   n:long            an idle worker checking that its driver still lives
 * </pre>
 *
 * A batch with a single task carries its argument (or result) as its own attribute, so a large
 * primitive array travels as a raw frame (see {@code dev.river.sfm.Attributes}).
 */
final class Wire {
    private Wire() {}

    static final String KIND = "k";
    static final int RUN = 1, CANCEL = 2, PING = 3, STOP = 4, DONE = 5, PONG = 6, WAKE = 7, DIRECT = 8;

    /** What the dispatcher receives: everything but the answers that calling threads wait for themselves. */
    static final java.util.function.Predicate<Integer> NOT_DIRECT = k -> k != DIRECT;

    /** Apply fn to the task's argument (call, fork, forkwork: the argument is a chunk). */
    static final int APPLY = 0;
    /** Apply fn to each element of the task's argument, a list (map); results and errors per element. */
    static final int EACH = 1;
}
