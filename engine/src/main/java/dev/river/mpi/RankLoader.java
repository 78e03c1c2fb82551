package dev.river.mpi;

import dev.river.sfm.Codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Enumeration;

/**
 * The class loader of one rank's program. Parent-first (the JDK, River and its libraries are shared
 * with the engine), with two exceptions:
 * <ul>
 *   <li>package {@code mpi} (and River's bundled MPI programs, {@value #BUNDLED}*) is defined here,
 *       child-first, from the engine's own class files, so that MPI.COMM_WORLD and the other statics of
 *       the MPI API belong to this rank even when several ranks share an engine;</li>
 *   <li>the program's classes are fetched from the launcher (River's code shipping, through the
 *       rank VR's loader) and defined here with their System.exit calls rewritten
 *       ({@link ExitRewriter}).</li>
 * </ul>
 */
final class RankLoader extends ClassLoader implements Codec.PoolOwner {
    static {
        registerAsParallelCapable();
    }

    private final Codec.Slot codecSlot = new Codec.Slot();   // this rank's Kryo pool dies with the rank

    @Override
    public Codec.Slot codecSlot() {
        return codecSlot;
    }

    /** River's own MPI programs (the benchmark): on the engine's class path, but they need this rank's MPI. */
    static final String BUNDLED = "dev.river.mpi.programs.";

    private final ClassLoader program;   // the rank VR's loader: shipped classes and resources

    RankLoader(String name, ClassLoader program, ClassLoader engine) {
        super(name, engine);
        this.program = program;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                if (name.startsWith("mpi.") || name.startsWith(BUNDLED)) {
                    c = define(name, getParent(), false);
                } else {
                    try {
                        c = getParent().loadClass(name);
                    } catch (ClassNotFoundException e) {
                        c = define(name, program, true);
                    }
                }
            }
            if (resolve) resolveClass(c);
            return c;
        }
    }

    private Class<?> define(String name, ClassLoader from, boolean rewrite) throws ClassNotFoundException {
        String path = name.replace('.', '/') + ".class";
        byte[] bytes;
        try (InputStream in = from.getResourceAsStream(path)) {
            if (in == null) throw new ClassNotFoundException(name + " is neither on the engine's class path nor among the program's classes");
            bytes = in.readAllBytes();
        } catch (IOException | UncheckedIOException e) {
            throw new ClassNotFoundException(name + ": reading its class file failed: " + e.getMessage(), e);
        }
        if (rewrite) {
            try {
                bytes = ExitRewriter.rewrite(bytes);
            } catch (IllegalArgumentException e) {
                throw new ClassNotFoundException(name + ": " + e.getMessage(), e);
            }
        }
        return defineClass(name, bytes, 0, bytes.length);
    }

    @Override
    protected URL findResource(String name) {
        return program.getResource(name);
    }

    @Override
    protected Enumeration<URL> findResources(String name) throws IOException {
        return program.getResources(name);
    }
}
