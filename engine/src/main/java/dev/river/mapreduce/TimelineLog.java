package dev.river.mapreduce;

import dev.river.core.VmInfo;
import dev.river.mapreduce.Timeline.Interval;
import dev.river.mapreduce.Timeline.Phase;
import dev.river.mapreduce.Timeline.Status;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Records a job's {@link Timeline} as the coordinator sees it: map tasks sent and finished, reducers
 * started, segments fetched, partitions reduced. Coordinator thread only (no locks): other threads see
 * the immutable snapshots the coordinator publishes.
 */
final class TimelineLog {
    /** An interval being recorded; end < 0 while open. */
    private static final class Entry {
        final Phase phase;
        final int index, attempt, engine;
        final long start;
        long end = -1;
        Status status = Status.RUNNING;

        Entry(Phase phase, int index, int attempt, int engine, long start) {
            this.phase = phase;
            this.index = index;
            this.attempt = attempt;
            this.engine = engine;
            this.start = start;
        }
    }

    private final long started;
    private final Map<String, Integer> byAddress = new LinkedHashMap<>();
    private final List<String> names = new ArrayList<>();
    private final List<Entry> entries = new ArrayList<>();
    private final Map<Integer, Entry> maps = new HashMap<>();        // open map attempt by task
    private final Map<Integer, Entry> shuffles = new HashMap<>();    // open shuffle by partition
    private long[][] shuffle;

    TimelineLog(long started, List<VmInfo> engines) {
        this.started = started;
        Set<String> seen = new HashSet<>(), twice = new HashSet<>();
        for (VmInfo vm : engines) if (!seen.add(vm.name())) twice.add(vm.name());
        for (VmInfo vm : engines) {
            if (byAddress.containsKey(vm.address())) continue;
            byAddress.put(vm.address(), names.size());
            // two engines of one name (same host, default names) stay apart in the picture
            names.add(twice.contains(vm.name()) ? vm.name() + " (" + vm.address() + ")" : vm.name());
        }
        shuffle = new long[names.size()][names.size()];
    }

    private long now() {
        return System.nanoTime() - started;
    }

    /** The engine's row; an engine not known at the start (it should not happen) gets one of its own. */
    private int engine(String address) {
        Integer i = byAddress.get(address);
        if (i != null) return i;
        int n = names.size();
        byAddress.put(address, n);
        names.add(address);
        long[][] grown = new long[n + 1][n + 1];
        for (int r = 0; r < n; r++) System.arraycopy(shuffle[r], 0, grown[r], 0, n);
        shuffle = grown;
        return n;
    }

    void mapSent(int task, int attempt, String address) {
        end(maps.remove(task), Status.LOST);
        Entry e = new Entry(Phase.MAP, task, attempt, engine(address), now());
        entries.add(e);
        maps.put(task, e);
    }

    void mapEnded(int task, boolean ok) {
        end(maps.remove(task), ok ? Status.OK : Status.FAILED);
    }

    /** A running map attempt whose engine was lost. */
    void mapLost(int task) {
        end(maps.remove(task), Status.LOST);
    }

    /** A reducer (attempt) starts on an engine: its shuffle begins; an earlier attempt's was lost. */
    void reducerStarted(int partition, int attempt, String address) {
        end(shuffles.remove(partition), Status.LOST);
        Entry e = new Entry(Phase.SHUFFLE, partition, attempt, engine(address), now());
        entries.add(e);
        shuffles.put(partition, e);
    }

    void fetched(String fromAddress, String toAddress, long bytes) {
        shuffle[engine(fromAddress)][engine(toAddress)] += bytes;
    }

    /** A partition is reduced; the reducer spent {@code reduceNanos} merging and reducing. */
    void reduced(int partition, long reduceNanos) {
        Entry s = shuffles.remove(partition);
        if (s == null) return;
        long end = now();
        long reduceStart = Math.max(s.start, end - Math.max(0, reduceNanos));
        s.end = reduceStart;
        s.status = Status.OK;
        Entry r = new Entry(Phase.REDUCE, partition, s.attempt, s.engine, reduceStart);
        r.end = end;
        r.status = Status.OK;
        entries.add(r);
    }

    void reduceFailed(int partition) {
        end(shuffles.remove(partition), Status.FAILED);
    }

    /** The job ended: what still runs was stopped by that end. */
    void ended(boolean ok) {
        for (Entry e : maps.values()) end(e, ok ? Status.LOST : Status.FAILED);
        for (Entry e : shuffles.values()) end(e, ok ? Status.LOST : Status.FAILED);
        maps.clear();
        shuffles.clear();
    }

    private void end(Entry e, Status status) {
        if (e == null || e.end >= 0) return;
        e.end = now();
        e.status = status;
    }

    Timeline snapshot() {
        long now = now();
        List<Interval> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            out.add(new Interval(e.phase, e.index, e.attempt, names.get(e.engine), e.start, e.end < 0 ? now : e.end, e.status));
        }
        out.sort(java.util.Comparator.comparingLong(Interval::startNanos));
        return new Timeline(started, now, out, names, shuffle);
    }
}
