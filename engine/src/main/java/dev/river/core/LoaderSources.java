package dev.river.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * One {@link ClassSource} per class loader. A VM gives each source one code ref, and engines cache
 * shipped classes by that ref: a fresh source per {@code attach} (every Trickle session, every RAI
 * client) would make engines fetch and keep the same classes again under a new ref each time. The
 * source holds its loader weakly, so a loader that is no longer used can still go.
 */
final class LoaderSources {
    private static final Map<ClassLoader, ClassSource> SOURCES = new WeakHashMap<>();   // guarded by itself

    private LoaderSources() {}

    static ClassSource of(ClassLoader loader) {
        synchronized (SOURCES) {
            return SOURCES.computeIfAbsent(loader, LoaderSources::reading);
        }
    }

    private static ClassSource reading(ClassLoader loader) {
        WeakReference<ClassLoader> ref = new WeakReference<>(loader);
        return path -> {
            ClassLoader l = ref.get();
            if (l == null) return null;   // nothing can ask for its classes any more
            try (InputStream in = l.getResourceAsStream(path)) {
                return in == null ? null : in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + path + " for code shipping", e);
            }
        };
    }
}
