package dev.river.core;

/**
 * Internal: an operation that one VM asks another to run on its control thread, with access to that
 * VM's runtime ({@link VmContext}). River's extensions use it for protocols that need the runtime of
 * every engine (checkpoints freeze, count and save VRs where they run); applications use VRs instead.
 *
 * <p>A task travels like a request: implement it as a record of serializable values, in a class on
 * the engines' own class path (River's jar), never in shipped user code.
 *
 * <pre>{@code
 * record CountVrs(UUID app) implements VmTask<Integer> {
 *     public Integer run(VmContext vm) { return vm.vrs(app).size(); }
 * }
 * int n = VmContext.of(driver).call(engine.address(), new CountVrs(driver.app()), Duration.ofSeconds(5)).join();
 * }</pre>
 *
 * @param <R> what the task answers (serializable)
 */
@FunctionalInterface
public interface VmTask<R> {
    /** Runs on the receiving VM's control thread; what it throws is raised at the caller. */
    R run(VmContext vm) throws Exception;
}
