package dev.river.mapreduce;

import dev.river.core.Message;
import dev.river.core.RemoteVrException;
import dev.river.core.RiverException;
import dev.river.core.VrId;
import dev.river.mapreduce.Placement.MapperRef;
import dev.river.mapreduce.Placement.ReducerRef;

import java.util.ArrayList;
import java.util.List;

import static dev.river.mapreduce.Coordinator.LOG;

/**
 * How a job survives failures: a lost engine's map tasks re-run and its reducers restart elsewhere;
 * a VR that crashes, or no engine left, fails the job. Messages from attempts superseded this way
 * are told apart from current ones here too.
 *
 * <p>Threads: runs on the coordinator thread only, on the job state that {@link Coordinator} holds
 * (so no locking). Other threads report lost engines by posting LOSTVM to that thread, never by
 * calling in here.
 */
final class Recovery {
    private final Coordinator job;

    Recovery(Coordinator job) {
        this.job = job;
    }

    /** A mapper or reducer crashed outside user code (user code failures arrive as MAPFAIL/REDFAIL). */
    void vrFailed(RemoteVrException e) {
        VrId vr = e.vr();
        for (MapperRef m : job.mappers.values()) {
            if (m.vr.equals(vr) && m.alive && !job.lost.contains(m.vm.address())) {
                throw new Coordinator.Failure(new RiverException("the mapper on engine " + m.vm.name() + " failed: " + e.getMessage(), e));
            }
        }
        for (ReducerRef r : job.reducers) {
            if (vr != null && vr.equals(r.vr) && !r.done && !job.lost.contains(r.vm)) {
                throw new Coordinator.Failure(new RiverException("the reducer of partition " + r.partition + " failed: " + e.getMessage(), e));
            }
        }
        LOG.log(System.Logger.Level.DEBUG, "a superseded VR failed: " + e.getMessage());
    }

    /** Whether {@code vr} is a mapper or reducer of this job that is still in use (not superseded after a loss). */
    boolean isCurrent(VrId vr) {
        for (MapperRef m : job.mappers.values()) if (m.vr.equals(vr)) return m.alive;
        for (ReducerRef r : job.reducers) if (vr.equals(r.vr)) return !r.done;
        return false;
    }

    /** Whether a reducer's message comes from its current attempt. */
    boolean current(Message m) {
        ReducerRef r = job.reducers[m.getInt("part")];
        return r.attempt == m.getInt("attempt") && m.src().equals(r.vr) && !r.done;
    }

    void engineLost(String address) {
        if (!job.lost.add(address)) return;
        MapperRef m = job.mappers.get(address);
        if (m != null) {
            m.alive = false;
            List<Integer> again = new ArrayList<>();
            List<Integer> announced = new ArrayList<>();
            for (int t = 0; t < job.taskState.length; t++) {
                if (job.taskMapper[t] != m || job.taskState[t] == Coordinator.PENDING) continue;
                if (job.taskState[t] == Coordinator.DONE) {
                    announced.add(t);
                    job.mapsDone--;
                    job.inputDone -= job.splits.get(t).size();
                } else {
                    job.timelineLog.mapLost(t);
                }
                job.taskState[t] = Coordinator.PENDING;
                job.taskMapper[t] = null;
                again.add(t);
            }
            job.tasksRerun += again.size();
            for (int i = again.size() - 1; i >= 0; i--) job.pending.addFirst(again.get(i));
            if (!announced.isEmpty()) {
                int[] tasks = announced.stream().mapToInt(Integer::intValue).toArray();
                for (ReducerRef r : job.reducers) {
                    if (!r.done && !address.equals(r.vm)) Sends.quiet(job.driver, r.vr, Wire.KIND, Wire.LOST, "tasks", tasks);
                }
            }
            LOG.log(System.Logger.Level.INFO, "MapReduce job " + job.spec.shortId() + ": engine " + m.vm.name() + " lost; re-running "
                    + again.size() + " map task(s)");
        }
        if (job.mappers.values().stream().noneMatch(x -> x.alive)) throw noEnginesLeft();
        for (ReducerRef r : job.reducers) if (!r.done && address.equals(r.vm)) job.placement.restart(r, true);
        if (job.mapsDone < job.splits.size()) job.state = Progress.State.MAPPING;
        job.schedule();
        job.publish(true);
    }

    Coordinator.Failure noEnginesLeft() {
        return new Coordinator.Failure(new RiverException("MapReduce: every engine of the job was lost (" + job.mapsDone + " of "
                + job.splits.size() + " map tasks and " + job.reducesDone + " of " + job.reducers.length
                + " reduces done); start engines and run the job again"));
    }
}
