package dev.river.core;

import java.io.InputStream;

/**
 * Where a VM finds the bytes of classes and resources that it ships to engines (code shipping).
 * Engines hold no user code: a VR's class loader asks the VM that deployed it for each class it
 * misses, and that VM answers from its {@code ClassSource}.
 *
 * <p>Applications rarely need this: {@link River#run} and {@link River#attach} serve classes from the
 * caller's class loader. A kernel that compiles code itself (JShell) passes its own source.
 *
 * <pre>{@code
 * Map<String, byte[]> compiled = ...;     // resource path -> bytes
 * VirtualResource driver = River.attach("notebook", path -> compiled.get(path));
 * }</pre>
 */
@FunctionalInterface
public interface ClassSource {
    /**
     * The bytes of a resource, by path ({@code com/example/Foo.class} for a class), or null if this
     * source has none.
     */
    byte[] find(String path);

    /**
     * A source answering from a class loader's resources; a loader that is itself a ClassSource (a
     * kernel's cell loader) answers as such.
     */
    static ClassSource of(ClassLoader loader) {
        if (loader instanceof ClassSource own) return own;
        return LoaderSources.of(loader);
    }

    /**
     * A URL whose content is {@code bytes}, held in memory: what a class loader serving shipped (or
     * compiled) classes returns from {@code getResource}.
     *
     * @param scheme shown in the URL (for example {@code river} or {@code jshell})
     * @param host   shown in the URL, may be null
     * @param path   the resource path, without a leading slash
     */
    static java.net.URL memoryUrl(String scheme, String host, String path, byte[] bytes) {
        java.net.URLStreamHandler handler = new java.net.URLStreamHandler() {
            @Override
            protected java.net.URLConnection openConnection(java.net.URL u) {
                return new java.net.URLConnection(u) {
                    @Override public void connect() {}

                    @Override public InputStream getInputStream() {
                        return new java.io.ByteArrayInputStream(bytes);
                    }

                    @Override public int getContentLength() {
                        return bytes.length;
                    }
                };
            }
        };
        try {
            return new java.net.URL(scheme, host, -1, "/" + path, handler);
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException("cannot make a URL for resource " + path, e);
        }
    }
}
