package dev.river.core;

import java.util.ArrayList;
import java.util.List;

/**
 * An exception raised in another VR (or a task on an engine), carried back with its remote class name,
 * message and stack trace. The remote frames are this exception's stack trace, so a printed trace
 * shows where it failed remotely; {@link #remoteClassName()} names the original exception type.
 *
 * <pre>{@code
 * try { Message m = recv("src", child); }
 * catch (RemoteVrException e) { System.err.println(e.remoteClassName() + " in " + e.vr()); }
 * }</pre>
 */
public final class RemoteVrException extends RiverException {
    private static final long serialVersionUID = 1L;
    private final String remoteClassName;
    private final String remoteMessage;
    private final VrId vr;

    public RemoteVrException(String remoteClassName, String remoteMessage, VrId vr, String context,
                             StackTraceElement[] remoteTrace, RemoteVrException cause) {
        super(context + ": " + remoteClassName + (remoteMessage == null ? "" : ": " + remoteMessage), cause);
        this.remoteClassName = remoteClassName;
        this.remoteMessage = remoteMessage;
        this.vr = vr;
        setStackTrace(remoteTrace);
    }

    /** Captures {@code t} (and its causes) for transport; nothing of the original class is needed to read it. */
    public static RemoteVrException of(Throwable t, VrId vr, String context) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable c = t; c != null && !chain.contains(c); c = c.getCause()) chain.add(c);
        RemoteVrException cause = null;
        for (int i = chain.size() - 1; i >= 0; i--) {
            Throwable c = chain.get(i);
            if (c instanceof RemoteVrException r) {
                cause = new RemoteVrException(r.remoteClassName, r.remoteMessage, r.vr,
                        i == 0 ? context : "caused by", r.getStackTrace(), cause);
            } else {
                cause = new RemoteVrException(c.getClass().getName(), c.getMessage(), vr,
                        i == 0 ? context : "caused by", c.getStackTrace(), cause);
            }
        }
        return cause;
    }

    /** The class name of the exception thrown remotely. */
    public String remoteClassName() {
        return remoteClassName;
    }

    /** The remote exception's own message (may be null). */
    public String remoteMessage() {
        return remoteMessage;
    }

    /** The VR where it was thrown, if known. */
    public VrId vr() {
        return vr;
    }
}
