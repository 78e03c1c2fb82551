package dev.river.cli;

import dev.river.core.LocalEngines;
import dev.river.core.River;
import dev.river.core.RiverException;
import dev.river.core.VirtualResource;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/** Loading and starting user programs for {@code river run} and {@code river mpirun}. */
final class Programs {
    private Programs() {}

    record Program(Class<?> mainClass, ClassLoader loader) {}

    /** Loads {@code target}: a .java file (compiled into a temporary directory), a jar (its Main-Class) or a class name. */
    static Program load(String target, String cp) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String part : cp.split(File.pathSeparator)) if (!part.isBlank()) urls.add(Path.of(part).toUri().toURL());
        String mainName = target;
        if (target.endsWith(".java")) {
            Path src = Path.of(target);
            if (!Files.isRegularFile(src)) throw new IllegalArgumentException("no such file: " + target);
            Path out = Files.createTempDirectory("river-run");
            compile(src, out, cp);
            urls.add(0, out.toUri().toURL());
            mainName = primaryClass(src, out);
        } else if (target.endsWith(".jar")) {
            Path jar = Path.of(target);
            if (!Files.isRegularFile(jar)) throw new IllegalArgumentException("no such jar: " + target);
            urls.add(0, jar.toUri().toURL());
            try (JarFile jf = new JarFile(jar.toFile())) {
                var mf = jf.getManifest();
                mainName = mf == null ? null : mf.getMainAttributes().getValue("Main-Class");
            }
            if (mainName == null) throw new IllegalArgumentException(target + " has no Main-Class in its manifest");
        }
        ClassLoader loader = new URLClassLoader("river-program", urls.toArray(URL[]::new), Programs.class.getClassLoader());
        try {
            return new Program(Class.forName(mainName, false, loader), loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("class " + mainName + " not found; give its file, its jar, or --cp with its directory", e);
        }
    }

    private static void compile(Path src, Path out, String cp) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) throw new RiverException("no Java compiler in this runtime: run River with a JDK, not a JRE");
        String classpath = LocalEngines.engineClassPath() + (cp.isBlank() ? "" : File.pathSeparator + cp);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, null, err, "-proc:none", "-d", out.toString(), "-cp", classpath, src.toString());
        if (rc != 0) throw new IllegalArgumentException("compiling " + src + " failed:\n" + err.toString().strip());
    }

    /** The class named like the file, else the first top-level class compiled. */
    private static String primaryClass(Path src, Path out) throws Exception {
        String base = src.getFileName().toString().replaceFirst("\\.java$", "");
        String text = Files.readString(src);
        var m = java.util.regex.Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;").matcher(text);
        String pkg = m.find() ? m.group(1) + "." : "";
        return pkg + base;
    }

    /** Starts local engines when discovery finds none; returns null when engines are there. */
    static LocalEngines ensureEngines(Integer count) {
        VirtualResource probe = River.attach("river-cli");
        try {
            if (!probe.discover().isEmpty()) return null;
        } finally {
            River.detach(probe);
        }
        int n = count != null ? count : Math.max(2, Runtime.getRuntime().availableProcessors());
        System.err.println("river: no engines found; starting " + n + " local engines for this run");
        return River.startLocalEngines(n);
    }

    /** Runs a VirtualResource as the initiator, or calls main(String[]). */
    static void invoke(Class<?> c, String[] args) throws Exception {
        if (VirtualResource.class.isAssignableFrom(c)) {
            River.run(c.asSubclass(VirtualResource.class), args);
            return;
        }
        Method main;
        try {
            main = c.getMethod("main", String[].class);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(c.getName() + " neither extends VirtualResource nor has public static void main(String[])");
        }
        if (!Modifier.isStatic(main.getModifiers())) throw new IllegalArgumentException(c.getName() + ".main must be static");
        try {
            main.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception ex) throw ex;
            if (e.getCause() instanceof Error er) throw er;
            throw e;
        }
    }
}
