package dev.river.kernel;

import dev.river.core.ClassSource;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The class loader of the notebook's cells: JShell's compiled classes (defined on first use from the
 * bytes JShell handed over), then jars and directories added with {@code %classpath}, with the kernel's
 * own class path (River, Trickle, the magics) as parent.
 *
 * <p>It is also the {@link ClassSource} engines fetch the notebook's code from: the class files as
 * javac wrote them, then its resources (the {@code %classpath} jars, the kernel's own classes). Every
 * River driver in the kernel — the magics', and {@code River.attach}, {@code Trickle.connect} or
 * {@code River.run} called in a cell, where this loader is the context class loader — ships through
 * this one source, so engines share one cache of the notebook's classes.
 */
final class CellClassLoader extends URLClassLoader implements ClassSource {
    static {
        registerAsParallelCapable();
    }

    private final CellClasses captured;
    // class name -> bytes to define here (may be instrumented for stopping, unlike the captured originals)
    private final Map<String, byte[]> declared = new ConcurrentHashMap<>();
    private final Set<Path> inherited = ConcurrentHashMap.newKeySet();   // the kernel's own class path

    CellClassLoader(ClassLoader parent, CellClasses captured) {
        super("river-cells", new URL[0], parent);
        this.captured = captured;
    }

    void declare(String name, byte[] bytes) {
        declared.put(name, bytes);
    }

    /** Notes a class path entry the parent loader already serves: adding it again is a no-op. */
    void inherited(String path) {
        inherited.add(Path.of(path).toAbsolutePath().normalize());
    }

    /** Adds a jar or directory (the execution side of {@code %classpath}). */
    void addPath(String path) {
        if (inherited.contains(Path.of(path).toAbsolutePath().normalize())) return;
        try {
            addURL(new File(path).toURI().toURL());
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a usable class path entry: " + path, e);
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] b = declared.get(name);
        if (b != null) return defineClass(name, b, 0, b.length);
        return super.findClass(name);
    }

    @Override
    public byte[] find(String path) {
        byte[] b = captured.resource(path);
        if (b != null) return b;
        try (InputStream in = getResourceAsStream(path)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + " for code shipping", e);
        }
    }

    @Override
    public URL findResource(String name) {
        if (captured.hasResource(name)) {
            return ClassSource.memoryUrl("jshell", null, name, captured.resource(name));
        }
        return super.findResource(name);
    }

    @Override
    public Enumeration<URL> findResources(String name) throws java.io.IOException {
        URL own = captured.hasResource(name) ? findResource(name) : null;
        if (own == null) return super.findResources(name);
        List<URL> all = new ArrayList<>();
        all.add(own);
        all.addAll(Collections.list(super.findResources(name)));
        return Collections.enumeration(all);
    }
}
