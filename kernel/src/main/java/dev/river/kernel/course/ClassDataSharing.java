package dev.river.kernel.course;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * AppCDS archives for the JVMs {@code river grade} starts (kernels and engines), so their classes
 * (River, JShell's compiler, ZeroMQ, Kryo) are mapped from an archive instead of parsed anew each time.
 *
 * <p>One archive per kind, java and class path, in {@code RIVER_CDS_DIR} (default
 * {@code ~/.cache/river/cds}). It is made lazily, as it exits, by the one JVM of its kind that claimed
 * a lock file (others run without meanwhile): on Java 19 and later by the JVM itself
 * ({@code -XX:+AutoCreateSharedArchive}, which also remakes a stale one), on Java 17 and 18 with
 * {@code -XX:ArchiveClassesAtExit}, after which {@link #finish} moves the archive into place. The
 * JVM must exit normally for it (a graceful kernel shutdown, SIGTERM for an engine). A missing, stale or unreadable archive only costs speed:
 * the JVM runs without it ({@code -Xshare:auto}, its warnings silenced). {@code RIVER_CDS=off} turns it off.
 */
final class ClassDataSharing {
    private static final System.Logger LOG = System.getLogger(ClassDataSharing.class.getName());

    /** JVM options for one launch, and what to do once that JVM has exited. */
    record Launch(List<String> options, Path produced, Path archive, Path lock) {
        static final Launch NONE = new Launch(List.of(), null, null, null);
    }

    private ClassDataSharing() {}

    /**
     * The options for a JVM of {@code kind} ("kernel", "engine") on {@code java} (its feature release
     * {@code feature}) with {@code classPath}.
     */
    static Launch launch(String kind, String java, int feature, String classPath) {
        if ("off".equalsIgnoreCase(System.getenv("RIVER_CDS"))) return Launch.NONE;
        // CDS archives classes from jars only: running from class directories (a test), it would only warn
        for (String part : classPath.split(File.pathSeparator)) {
            if (!part.endsWith("*") && Files.isDirectory(Path.of(part))) return Launch.NONE;
        }
        try {
            Path dir = dir();
            Files.createDirectories(dir);
            Path archive = dir.resolve(kind + "-" + key(java, feature, classPath) + ".jsa");
            List<String> quiet = List.of("-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
            List<String> use = feature >= 19 ? List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + archive)
                    : List.of("-XX:SharedArchiveFile=" + archive);
            if (Files.isRegularFile(archive)) return new Launch(concat(quiet, use), null, null, null);
            Path lock = archive.resolveSibling(archive.getFileName() + ".lock");
            if (!claim(lock)) return Launch.NONE;    // another JVM is making it
            // Java 19+: the JVM writes it itself at exit; Java 17/18: to a file of ours, moved into place by finish
            if (feature >= 19) return new Launch(concat(quiet, use), null, archive, lock);
            Path produced = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            return new Launch(concat(quiet, List.of("-XX:ArchiveClassesAtExit=" + produced)), produced, archive, lock);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "class-data sharing is off for this " + kind + ": " + e);
            return Launch.NONE;
        }
    }

    /** After the JVM of {@code l} exited: moves the archive it made into place (or gives up the claim). */
    static void finish(Launch l) {
        if (l.lock() == null) return;
        try {
            if (l.produced() != null && Files.isRegularFile(l.produced()) && Files.size(l.produced()) > 0) {
                try {
                    Files.move(l.produced(), l.archive(), StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(l.produced(), l.archive(), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (l.produced() != null) Files.deleteIfExists(l.produced());
            Files.deleteIfExists(l.lock());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "could not keep the class-data archive " + l.archive() + ": " + e);
        }
    }

    static Path dir() {
        String env = System.getenv("RIVER_CDS_DIR");
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".cache", "river", "cds");
    }

    /** Takes the lock file, or a stale one whose owner is gone. */
    private static boolean claim(Path lock) throws IOException {
        String me = Long.toString(ProcessHandle.current().pid());
        try {
            Files.writeString(lock, me, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE);
            return true;
        } catch (FileAlreadyExistsException e) {
            String owner = Files.readString(lock, StandardCharsets.UTF_8).strip();
            boolean alive = owner.matches("\\d+") && ProcessHandle.of(Long.parseLong(owner)).map(ProcessHandle::isAlive).orElse(false);
            if (alive) return false;
            // its owner died before moving the archive into place: it may be incomplete
            if (owner.matches("\\d+")) Files.deleteIfExists(lock.resolveSibling(lock.getFileName().toString().replaceFirst("\\.lock$", "") + "." + owner + ".tmp"));
            Files.deleteIfExists(lock);
            return claim(lock);
        }
    }

    private static String key(String java, int feature, String classPath) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((java + "\n" + feature + "\n" + System.getProperty("java.vm.version") + "\n" + classPath).getBytes(StandardCharsets.UTF_8));
            // a rebuilt jar makes an archive stale (the JVM would ignore it): the jars' sizes and times are in the name
            for (String part : classPath.split(File.pathSeparator)) {
                List<Path> jars = new java.util.ArrayList<>();
                if (part.endsWith("*")) {
                    Path dir = Path.of(part.substring(0, part.length() - 1));
                    if (Files.isDirectory(dir)) {
                        try (var s = Files.list(dir)) {
                            s.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(jars::add);
                        }
                    }
                } else {
                    jars.add(Path.of(part));
                }
                for (Path j : jars) {
                    if (Files.isRegularFile(j)) md.update((j + ":" + Files.size(j) + ":" + Files.getLastModifiedTime(j).toMillis()).getBytes(StandardCharsets.UTF_8));
                }
            }
            return HexFormat.of().formatHex(md.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
