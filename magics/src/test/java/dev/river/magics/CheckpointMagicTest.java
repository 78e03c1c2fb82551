package dev.river.magics;

import dev.river.checkpoint.CheckpointException;
import dev.river.core.ClassSource;
import dev.river.core.Match;
import dev.river.core.Message;
import dev.river.core.River;
import dev.river.core.VirtualResource;
import dev.river.core.VrId;
import dev.river.testing.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** %river checkpoint show|save|list|restore against real engines, as a notebook uses it. */
class CheckpointMagicTest {
    static Cluster cluster;
    static Session session;
    static Path dir;

    /** A VR as a notebook would define it: event-loop style, its total in a field. */
    public static final class Tally extends VirtualResource {
        private long total;

        @Override protected void main() {
            while (true) {
                Message m = recv();
                if (m.has("stop")) return;
                if (m.has("add")) total += m.getLong("add");
                if (m.has("get")) send(m.src(), "total", total);
            }
        }
    }

    /** The parts of a kernel these magics use: the session. */
    static final class Kernel implements MagicContext {
        @Override public Session session() { return session; }
        @Override public Object evaluate(String expression) { throw new MagicException("no evaluation here"); }
        @Override public String returningBlock(String code) { throw new MagicException("no code here"); }
        @Override public String returnType(String name, int arity) { return null; }
        @Override public <T> List<T> variables(Class<T> type) { return List.of(); }
        @Override public void define(String name, String type, Object value) { }
        @Override public <T> T function(String fn, Class<T> type, int arity, List<String> targetTypes) { throw new MagicException("no"); }
        @Override public List<Class<?>> definitions(String name) { return List.of(); }
        @Override public String cellBody() { return null; }
        @Override public Display display() { return content -> c -> { }; }
        @Override public PrintStream out() { return System.out; }
    }

    @BeforeAll
    static void up() throws IOException {
        cluster = Cluster.start(2);
        ClassLoader cl = CheckpointMagicTest.class.getClassLoader();
        session = Session.attach("notebook", ClassSource.of(cl), cl);
        dir = Files.createTempDirectory("river-checkpoint-magic");
    }

    @AfterAll
    static void down() throws IOException {
        if (session != null) session.close();
        cluster.close();
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Test
    void showSaveListAndRestoreInline() throws Exception {
        Magics magics = Magics.load();
        Kernel ctx = new Kernel();
        String d = " --dir " + dir;
        VirtualResource driver = session.driver();
        List<VrId> tallies = new ArrayList<>();
        for (int i = 0; i < 4; i++) tallies.add(driver.deploy(cluster.vms().get(i % 2), Tally.class));
        for (int i = 0; i < 4; i++) driver.send(tallies.get(i), "add", 10L * (i + 1));

        Rich empty = (Rich) magics.run("checkpoint list" + d, null, ctx);
        assertTrue(empty.text().contains("no checkpoints yet"), empty.text());
        Rich shown = (Rich) magics.run("checkpoint" + d, null, ctx);
        assertEquals(4, shown.text().lines().filter(l -> l.contains("Tally")).count(), shown.text());
        assertTrue(shown.text().contains("receiving") && shown.html().contains("<table"), shown.text());

        Rich saved = (Rich) magics.run("checkpoint save" + d, null, ctx);
        assertTrue(saved.text().startsWith("saved epoch 1: 4 VRs"), saved.text());
        Rich listed = (Rich) magics.run("checkpoint list" + d, null, ctx);
        assertTrue(listed.text().contains("1 checkpoint in"), listed.text());

        CheckpointException running = assertThrows(CheckpointException.class, () -> magics.run("checkpoint restore" + d, null, ctx));
        assertTrue(running.getMessage().contains("still runs"), running.getMessage());
        MagicException bad = assertThrows(MagicException.class, () -> magics.run("checkpoint undo" + d, null, ctx));
        assertTrue(bad.getMessage().contains("show, save, list, timeline or restore"), bad.getMessage());

        // The engines die; the notebook starts new ones and restores the checkpoint onto them.
        CountDownLatch lost = new CountDownLatch(2);
        River.onEngineLost(vm -> lost.countDown());
        cluster.engines().kill(0);
        cluster.engines().kill(1);
        assertTrue(lost.await(30, TimeUnit.SECONDS));
        session.start(2, List.of());
        Rich restored = (Rich) magics.run("checkpoint restore" + d, null, ctx);
        assertTrue(restored.text().startsWith("restored epoch 1 (4 VRs) onto 2 engines"), restored.text());
        for (int i = 0; i < 4; i++) {
            driver.send(tallies.get(i), "get", true);
            Message m = driver.recv(Duration.ofSeconds(60), "src", tallies.get(i), "total", Match.ANY);
            assertEquals(10L * (i + 1), m.getLong("total"), "the restored VR kept its field");
        }
        Rich after = (Rich) magics.run("checkpoint show" + d, null, ctx);
        assertEquals(4, after.text().lines().filter(l -> l.contains("receiving")).count(), after.text());

        Rich picture = (Rich) magics.run("checkpoint timeline" + d, null, ctx);
        assertEquals(List.of(Rich.TEXT, Rich.VEGA_LITE, Rich.SVG), List.copyOf(picture.data().keySet()), "Vega-Lite and SVG in one bundle");
        assertTrue(picture.text().startsWith("checkpoint timeline: 4 VR(s), 1 save(s), 1 restore(s), 0 migration(s); 4 running now"),
                picture.text());
        List<String> now = session.engines().stream().map(dev.river.core.VmInfo::address).toList();
        for (VrId t : tallies) {
            String line = picture.text().lines().filter(l -> l.startsWith(t.uuid().toString().substring(0, 8))).findFirst().orElseThrow();
            assertTrue(now.contains(line.substring(line.indexOf(": on ") + 5)), "runs on one of the new engines: " + line + " " + now);
        }
        String svg = picture.data().get(Rich.SVG);
        assertEquals(4, svg.split("saved in epoch 1 on ", -1).length - 1, "a save bar per VR");
        assertEquals(4, svg.split("restored from epoch 1 onto ", -1).length - 1, "a restore bar per VR");
        assertTrue(picture.data().get(Rich.VEGA_LITE).contains("\"hconcat\""), "the timeline beside where each VR runs now");
        for (VrId t : tallies) driver.send(t, "stop", true);
    }
}
