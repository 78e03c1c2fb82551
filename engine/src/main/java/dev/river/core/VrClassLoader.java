package dev.river.core;

import dev.river.sfm.Codec;

import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.UUID;

/**
 * One VR's class loader: parent-first (the JDK and the engine's own class path: River, JeroMQ, Kryo),
 * then classes and resources fetched from the VM that deployed the VR. One loader per VR, so user
 * classes (and their statics) are never shared between two VRs on one engine. The bytes themselves are
 * cached per VM, so a second VR of the same application costs no network round trip.
 */
final class VrClassLoader extends ClassLoader implements Codec.PoolOwner {
    static {
        registerAsParallelCapable();
    }

    private final Codec.Slot codecSlot = new Codec.Slot();

    private final Node node;
    private final String originVm;
    private final UUID originRef;

    VrClassLoader(Node node, String originVm, UUID originRef, ClassLoader parent) {
        super("river-vr", parent);
        this.node = node;
        this.originVm = originVm;
        this.originRef = originRef;
    }

    @Override
    public Codec.Slot codecSlot() {
        return codecSlot;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes;
        try {
            bytes = node.fetchCode(originVm, originRef, name.replace('.', '/') + ".class");
        } catch (RiverException e) {
            throw new ClassNotFoundException(name + ": fetching it from " + originVm + " failed: " + e.getMessage(), e);
        }
        if (bytes == null) {
            throw new ClassNotFoundException(name + " is not on this engine's class path, and the VM that deployed"
                    + " this VR (" + originVm + ") does not have it either");
        }
        return defineClass(name, bytes, 0, bytes.length);
    }

    @Override
    protected URL findResource(String name) {
        byte[] bytes;
        try {
            bytes = node.fetchCode(originVm, originRef, name);
        } catch (RiverException e) {
            return null;
        }
        if (bytes == null) return null;
        return ClassSource.memoryUrl("river", originVm.replace(':', '_'), name, bytes);
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL u = findResource(name);
        return u == null ? Collections.emptyEnumeration() : Collections.enumeration(java.util.List.of(u));
    }

    String originVm() {
        return originVm;
    }

    UUID originRef() {
        return originRef;
    }
}
