package dev.river.kernel;

import dev.river.magics.MagicException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Class path entries as users write them: a jar, a directory, {@code dir/*} (every jar in dir) or a glob. */
final class ClassPaths {
    private ClassPaths() {}

    /**
     * The existing jars and directories {@code entry} stands for ({@code ~} is the home directory).
     *
     * @throws MagicException if it matches nothing
     */
    static List<String> expand(String entry) {
        String e = entry.startsWith("~/") ? System.getProperty("user.home") + entry.substring(1) : entry;
        List<String> out = new ArrayList<>();
        if (e.contains("*") || e.contains("?") || e.contains("[")) {
            Path p = Path.of(e);
            Path dir = p.getParent() == null ? Path.of(".") : p.getParent();
            String glob = p.getFileName().toString().equals("*") ? "*.{jar,JAR}" : p.getFileName().toString();
            if (!Files.isDirectory(dir)) throw new MagicException("no such directory: " + dir);
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
                for (Path f : ds) out.add(f.toAbsolutePath().normalize().toString());
            } catch (IOException ex) {
                throw new MagicException("cannot list " + dir + ": " + ex.getMessage());
            }
            out.sort(null);
            if (out.isEmpty()) throw new MagicException("nothing matches " + entry);
            return out;
        }
        Path p = Path.of(e);
        if (!Files.exists(p)) throw new MagicException("no such jar or directory: " + entry);
        out.add(p.toAbsolutePath().normalize().toString());
        return out;
    }
}
