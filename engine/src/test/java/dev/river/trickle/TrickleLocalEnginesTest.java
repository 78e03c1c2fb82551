package dev.river.trickle;

import dev.river.testing.Cluster;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With no engine anywhere, connect starts local ones, says so, and stops them on close. */
class TrickleLocalEnginesTest {
    @Test
    void connectStartsLocalEnginesWhenNoneIsFoundAndStopsThemOnClose() {
        Cluster.configureThisJvm();          // a private discovery port: no other test's engines
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Trickle t;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            t = Trickle.connect(1);
        } finally {
            System.setErr(err);
        }
        String said = captured.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("trickle: no engines found; starting 1 local engine"), said);
        List<Vm> vms = t.vms();
        assertEquals(1, vms.size());
        long pid = vms.get(0).call(x -> ProcessHandle.current().pid(), 0);
        ProcessHandle engine = ProcessHandle.of(pid).orElseThrow();
        assertTrue(engine.isAlive());
        t.close();
        assertFalse(engine.isAlive(), "the local engine should stop with the session");
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> t.map(x -> x, List.of(1)));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    }
}
