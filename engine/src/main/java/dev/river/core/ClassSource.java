package dev.river.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

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
        return path -> {
            try (InputStream in = loader.getResourceAsStream(path)) {
                return in == null ? null : in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + path + " for code shipping", e);
            }
        };
    }
}
