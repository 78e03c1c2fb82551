package dev.river.kernel;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import javax.tools.ToolProvider;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel module's commands, plugged into {@code river} through the CLI extension point:
 * {@code river kernel install} and {@code river run NOTEBOOK.ipynb}.
 */
class CommandLineTest {
    static Jupyter.Run river(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Kernelspec.currentJava(), "-Djava.net.preferIPv4Stack=true", "-cp",
                System.getProperty("java.class.path"), "dev.river.cli.RiverCli"));
        cmd.addAll(List.of(args));
        return Jupyter.run(cmd, env, 600);
    }

    @Test
    void helpListsTheKernelModulesCommands() throws Exception {
        Jupyter.Run r = river(Map.of(), "--help");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.stdout().contains("kernel") && r.stdout().contains("notebook") && r.stdout().contains("engines"), r.stdout());
    }

    @Test
    void kernelInstallWritesTheKernelspecWithLogos(@TempDir Path prefix) throws Exception {
        Jupyter.Run r = river(Map.of(), "kernel", "install", "--prefix", prefix.toString(), "--classpath", "/opt/lib/x.jar",
                "--java-option=-Xmx2g", "--env", "RIVER_PEERS=node1:47601");
        assertEquals(0, r.exit(), r.stderr());
        Path dir = prefix.resolve("share/jupyter/kernels/river");
        assertTrue(r.stdout().contains(dir.toString()), r.stdout());
        JsonObject spec = JsonParser.parseString(Files.readString(dir.resolve("kernel.json"))).getAsJsonObject();
        assertEquals("River (Java)", spec.get("display_name").getAsString());
        assertEquals("java", spec.get("language").getAsString());
        assertEquals("message", spec.get("interrupt_mode").getAsString());
        JsonArray argv = spec.getAsJsonArray("argv");
        List<String> args = new ArrayList<>();
        argv.forEach(a -> args.add(a.getAsString()));
        assertTrue(Files.isExecutable(Path.of(args.get(0))), "argv[0] is a java: " + args);
        assertTrue(args.contains("-Xmx2g"), args.toString());
        assertEquals(List.of(Kernelspec.MAIN, "{connection_file}"), args.subList(args.size() - 2, args.size()));
        assertEquals("/opt/lib/x.jar", spec.getAsJsonObject("env").get("RIVER_CLASSPATH").getAsString());
        assertEquals("node1:47601", spec.getAsJsonObject("env").get("RIVER_PEERS").getAsString());
        for (int size : new int[]{32, 64}) {
            BufferedImage logo = ImageIO.read(dir.resolve("logo-" + size + "x" + size + ".png").toFile());
            assertEquals(size, logo.getWidth());
            assertEquals(size, logo.getHeight());
        }
        assertTrue(Files.readString(dir.resolve("logo-svg.svg")).startsWith("<svg "), "JupyterLab's launcher shows logo-svg.svg");
        Jupyter.Run again = river(Map.of(), "kernel", "uninstall", "--prefix", prefix.toString());
        assertEquals(0, again.exit(), again.stderr());
        assertTrue(Files.notExists(dir));
    }

    @Test
    void runExecutesANotebookHeadlessAndFailsOnACellError(@TempDir Path tmp) throws Exception {
        // a class on --cp: used in a cell and shipped to an engine from there
        Path classes = compile(tmp, "lib/Greeter.java",
                "package lib; public class Greeter { public static String greet(String who) { return \"hello \" + who; } }");

        Path good = tmp.resolve("good.ipynb");
        Files.writeString(good, notebook(
                "%river engines --min 1",
                "System.out.println(\"from a cell\");\nlib.Greeter.greet(\"notebook\")",
                "%%river fork\nlib.Greeter.greet(\"engine\")"));
        Path saved = tmp.resolve("saved.ipynb");
        Map<String, String> env = Jupyter.env(tmp);
        Jupyter.Run ok = river(env, "run", "--cp", classes.toString(), good.toString(), "--save", saved.toString());
        assertEquals(0, ok.exit(), ok.stdout() + ok.stderr());
        assertTrue(ok.stdout().contains("from a cell") && ok.stdout().contains("hello notebook"), ok.stdout());
        assertTrue(ok.stdout().matches("(?s).*local-\\S+\\s+hello engine.*"), "a %classpath class ran on an engine: " + ok.stdout());
        assertTrue(Files.readString(saved).contains("hello notebook"), "--save writes the executed notebook");

        Path bad = tmp.resolve("bad.ipynb");
        Files.writeString(bad, notebook("int x = 1;", "Object o = null;\no.hashCode()", "System.out.println(\"never runs\");"));
        Jupyter.Run failed = river(env, "run", bad.toString());
        assertEquals(1, failed.exit(), failed.stdout() + failed.stderr());
        assertTrue(failed.stderr().contains("NullPointerException") && failed.stderr().contains("a cell failed"), failed.stderr());
        assertTrue(!failed.stdout().contains("never runs"), "cells after the failing one do not run");
    }

    @Test
    void classpathMagicAddsJarsAndDirectories(@TempDir Path tmp) throws Exception {
        Path classes = compile(tmp, "shapes/Square.java",
                "package shapes; public record Square(double side) implements java.io.Serializable { public double area() { return side * side; } }");
        Path nb = tmp.resolve("cp.ipynb");
        Files.writeString(nb, notebook("%classpath " + classes, "new shapes.Square(3).area()", "%classpath /no/such/place"));
        Jupyter.Run r = river(Jupyter.env(tmp), "run", nb.toString());
        assertEquals(1, r.exit(), "the last cell fails");
        assertTrue(r.stdout().contains("added to the class path: " + classes) && r.stdout().contains("9.0"), r.stdout());
        assertTrue(r.stderr().contains("UsageError: no such jar or directory: /no/such/place"), r.stderr());
    }

    /** Compiles one source file into {@code tmp/classes}; returns that directory. */
    static Path compile(Path tmp, String path, String source) throws Exception {
        Path src = tmp.resolve("src").resolve(path);
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), src.toString()));
        return classes;
    }

    /** A minimal notebook of code cells for the River kernel. */
    static String notebook(String... cells) {
        JsonObject nb = new JsonObject();
        JsonArray cs = new JsonArray();
        for (String c : cells) {
            JsonObject cell = new JsonObject();
            cell.addProperty("id", "cell-" + cs.size());
            cell.addProperty("cell_type", "code");
            cell.add("metadata", new JsonObject());
            cell.addProperty("source", c);
            cell.add("outputs", new JsonArray());
            cell.add("execution_count", null);
            cs.add(cell);
        }
        nb.add("cells", cs);
        JsonObject meta = new JsonObject();
        JsonObject ks = new JsonObject();
        ks.addProperty("name", "river");
        ks.addProperty("display_name", "River (Java)");
        ks.addProperty("language", "java");
        meta.add("kernelspec", ks);
        nb.add("metadata", meta);
        nb.addProperty("nbformat", 4);
        nb.addProperty("nbformat_minor", 5);
        return nb.toString();
    }
}
