package dev.river.core;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.util.Collections;
import java.util.Enumeration;
import java.util.UUID;

/**
 * One VR's class loader: parent-first (the JDK and the engine's own class path: River, JeroMQ, Kryo),
 * then classes and resources fetched from the VM that deployed the VR. One loader per VR, so user
 * classes (and their statics) are never shared between two VRs on one engine. The bytes themselves are
 * cached per VM, so a second VR of the same application costs no network round trip.
 */
final class VrClassLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

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
        try {
            return new URL("river", originVm.replace(':', '_'), -1, "/" + name, new BytesHandler(bytes));
        } catch (MalformedURLException e) {
            throw new IllegalStateException("cannot make a URL for shipped resource " + name, e);
        }
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

    private static final class BytesHandler extends URLStreamHandler {
        private final byte[] bytes;

        BytesHandler(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        protected URLConnection openConnection(URL u) {
            return new URLConnection(u) {
                @Override public void connect() {}

                @Override public InputStream getInputStream() throws IOException {
                    return new ByteArrayInputStream(bytes);
                }
            };
        }
    }
}
