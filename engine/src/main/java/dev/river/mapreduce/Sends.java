package dev.river.mapreduce;

import dev.river.core.UndeliverableException;
import dev.river.core.VirtualResource;
import dev.river.core.VrId;

/**
 * Sends that tolerate a destination that is gone: MapReduce learns of lost engines from the driver's
 * heartbeat and re-runs their work, so a failed send needs no handling of its own.
 */
final class Sends {
    private Sends() {}

    private static final System.Logger LOG = System.getLogger(Sends.class.getName());

    /**
     * Sends; returns false if {@code dest} is known to be gone. A notice about an earlier message that
     * could not be delivered (raised by send before it sends) is logged and the send retried.
     */
    static boolean quiet(VirtualResource from, VrId dest, Object... attrs) {
        for (int tries = 0; ; tries++) {
            try {
                from.send(dest, attrs);
                return true;
            } catch (UndeliverableException e) {
                LOG.log(System.Logger.Level.DEBUG, "undeliverable: " + e.getMessage());
                if (e.destination() != null || tries > 1000) return false;   // dest itself is gone
            }
        }
    }
}
