package dev.river.kernel;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A notebook whose only engine is killed (kill -9) while the kernel is idle: the next cell says so,
 * and that none is left and what to do; once engines are started again, %river work runs on them.
 */
class EngineLossTest {
    @Test
    void theNotebookReportsItsLostEnginesAndRecoversWhenEnginesReturn(@TempDir Path tmp) throws Exception {
        Path data = Jupyter.install(tmp.resolve("prefix"), null);
        Path in = tmp.resolve("engines-die.ipynb");
        try (var s = EngineLossTest.class.getResourceAsStream("engines-die.ipynb")) {
            Files.write(in, s.readAllBytes());
        }
        Path out = tmp.resolve("executed.ipynb");
        Jupyter.Run run = Jupyter.runScript("execute_notebook.py", Jupyter.env(data), 600, in.toString(), out.toString(), Kernelspec.NAME);
        assertEquals(0, run.exit(), "the notebook failed:\n" + run.stderr());
        NotebooksTest.Executed nb = new NotebooksTest.Executed(JsonParser.parseString(Files.readString(out)).getAsJsonObject());

        assertEquals("true", nb.result("lost.await"), "discovery dropped the killed engine");
        String told = nb.output("lost.await");
        assertTrue(told.contains("river: engine local-") && told.contains("was lost at") && told.contains("no engine is left")
                && told.contains("%river start 2"), told);
        assertTrue(nb.output("%river engines").contains("no engines found"), nb.output("%river engines"));
        assertEquals(1, nb.matches("6 * 7", "(local-\\S+)\\s+42").size(),
                "%%river fork runs on the engine started again: " + nb.output("6 * 7"));
    }
}
