package dev.river.kernel.course;

import dev.river.core.VmContext;
import dev.river.core.VmTask;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs on a pooled engine between two submissions (the grader puts the kernel's classes on its pooled
 * engines' class path): lists the threads that could carry one submission's work into the next one,
 * as {@code "id|name|why"}. "vr": a thread running code of a deployed VR's class loader (a VR still
 * running, or a thread it started); "user": a non-daemon thread (compared with the engine's threads
 * when it was fresh, to leave out the engine's own).
 */
public record EngineAudit() implements VmTask<List<String>> {
    /** The class loader name of River's per-VR loaders (VrClassLoader). */
    static final String VR_LOADER = "river-vr";

    @Override
    public List<String> run(VmContext vm) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            Thread t = e.getKey();
            if (t == Thread.currentThread() || !t.isAlive()) continue;
            boolean vr = false;
            for (StackTraceElement f : e.getValue()) vr |= VR_LOADER.equals(f.getClassLoaderName());
            if (vr || !t.isDaemon()) out.add(t.getId() + "|" + t.getName() + "|" + (vr ? "vr" : "user"));
        }
        return out;
    }
}
