package dev.river.checkpoint;

import java.util.UUID;

/**
 * One VR of an application as {@link Checkpoints#show()} sees it: what it does now and what the
 * newest checkpoint holds of it. The {@code %river checkpoint} magic shows a list of them as a table.
 *
 * <pre>{@code
 * for (VrStatus s : Checkpoints.of(driver).show()) {
 *     System.out.println(s.uuid() + " on " + s.vm() + ": " + s.state() + ", " + s.queued() + " queued, "
 *             + s.checkpointBytes() + " bytes in epoch " + s.lastEpoch());
 * }
 * }</pre>
 *
 * @param uuid            the VR
 * @param vm              the VM it runs on ({@code host:port}), or ran on when saved
 * @param className       its class
 * @param state           running, receiving (waits in recv), frozen, installed (restored, not yet
 *                        started), ended, or saved (in the checkpoint, not running anywhere)
 * @param style           loop (frozen in checkpoint()) or event-loop (frozen while it receives)
 * @param calls           checkpoint() calls made
 * @param queued          messages waiting in its queue (-1 if it is not running)
 * @param checkpointBytes size of its state in the newest checkpoint (0: not in it)
 * @param lastEpoch       the newest checkpoint's epoch holding it (0: none)
 */
public record VrStatus(UUID uuid, String vm, String className, String state, String style, long calls, int queued,
                       long checkpointBytes, long lastEpoch) {}
