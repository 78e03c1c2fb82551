package dev.river.core;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The Control VR's protocol: the requests every VM serves (on its control threads, never on the
 * network thread) and the events the runtime sends to a VR.
 */
final class Control {
    private Control() {}

    /**
     * Create a VR of {@code className} (loaded through code shipping from {@code codeVm}/{@code codeRef}),
     * as a member of application {@code app} (the deployer's).
     */
    record Deploy(UUID vr, String className, String codeVm, UUID codeRef, VrId parent, UUID app, byte[] args) {}

    /** The bytes of a class or resource from the code source {@code codeRef}; answers byte[] or null. */
    record Fetch(UUID codeRef, String path) {}

    /** Eagerly install code (Trickle's inject): path -> bytes, as if fetched from {@code codeVm}/{@code codeRef}. */
    record Push(String codeVm, UUID codeRef, Map<String, byte[]> files) {}

    /** This VM's info first (if it is an engine), then the VMs it knows; answers {@code List<VmInfo>}. */
    record Status() {}

    /** Claim (or renew, or release) the VM for an application; answers Boolean granted. */
    record Allocate(UUID owner, boolean release) {}

    /** Interrupt a VR (its recv throws); answers Boolean found. */
    record Stop(UUID vr) {}

    /** VR {@code vr} now lives on {@code vm} (after a migration or a restore); answers Boolean. */
    record Route(UUID vr, String vm) {}

    /** Bring a VR back from its image (migration) and start it; answers its UUID. */
    record Install(byte[] image, String codeVm, UUID codeRef) {}

    /** Answer to a request: a value, or the error it raised. */
    record Reply(Object value, RemoteVrException error) {}

    /** A notice for one VR: {@code kind} is "undeliverable" or "failed". */
    record Event(String kind, String reason, RemoteVrException error) {}

    /** Where a deployed VR's code comes from, so its own children can fetch through this VM. */
    record Forward(String vm, UUID ref) {}

    static String describe(Object request) {
        return request.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    static final List<Class<?>> TYPES = List.of(Deploy.class, Fetch.class, Push.class, Status.class,
            Allocate.class, Stop.class, Route.class, Install.class, Reply.class, Event.class);
}
