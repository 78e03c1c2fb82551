package dev.river.kernel.cli;

import dev.river.kernel.course.MarkerException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AssignCommandTest {
    @Test
    void aSourceWithUnpairedMarkersIsRefusedAndNothingIsWritten(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("bad.ipynb");
        Files.writeString(src, """
                {"cells": [
                  {"cell_type": "markdown", "id": "m", "metadata": {}, "source": ["# Lesson"]},
                  {"cell_type": "code", "id": "k7", "metadata": {}, "execution_count": null, "outputs": [],
                   "source": ["int f() {\\n", "    // BEGIN SOLUTION\\n", "    return 1;\\n", "}"]}
                ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}""");
        AssignCommand c = new AssignCommand();
        c.source = src;
        c.output = tmp.resolve("student.ipynb");
        MarkerException e = assertThrows(MarkerException.class, c::call);
        assertTrue(e.getMessage().startsWith("bad.ipynb: cell 2 (id k7), line 2: \"// BEGIN SOLUTION\" is never closed"), e.getMessage());
        assertFalse(Files.exists(c.output), "nothing is written for a refused source");
    }

    @Test
    void writesTheStudentVersionBesideTheSourceByDefault(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("ok.ipynb");
        Files.writeString(src, """
                {"cells": [{"cell_type": "code", "id": "k1", "metadata": {}, "execution_count": 3, "outputs": [],
                   "source": "void f() {\\n  // BEGIN SOLUTION\\n  g();\\n  // END SOLUTION\\n}"}],
                 "metadata": {}, "nbformat": 4, "nbformat_minor": 5}""");
        AssignCommand c = new AssignCommand();
        c.source = src;
        assertEquals(0, c.call());
        String out = Files.readString(tmp.resolve("student/ok.ipynb"));
        assertTrue(out.contains("// YOUR CODE HERE") && !out.contains("g();") && out.contains("\"execution_count\": null"), out);
    }
}
