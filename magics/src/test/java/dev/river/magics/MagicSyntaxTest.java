package dev.river.magics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MagicSyntaxTest {
    @Test
    void cellMagicTakesTheWholeCell() {
        List<MagicSyntax.Part> parts = MagicSyntax.parse("%%river fork --targets 0,1\nint x = 1;\n%river engines\nx");
        assertEquals(List.of(new MagicSyntax.CellMagic("river", "fork --targets 0,1", "int x = 1;\n%river engines\nx")), parts);
    }

    @Test
    void lineMagicsAndCodeRunInOrderWithTheirLines() {
        List<MagicSyntax.Part> parts = MagicSyntax.parse("int a = 1;\n%river start 2\n\nint b = 2;\nb\n%classpath lib/*");
        assertEquals(List.of(
                new MagicSyntax.Code("int a = 1;", 0),
                new MagicSyntax.LineMagic("river", "start 2", 1),
                new MagicSyntax.Code("\nint b = 2;\nb", 2),
                new MagicSyntax.LineMagic("classpath", "lib/*", 5)), parts);
    }

    @Test
    void percentNotInColumnZeroOrFollowedByABlankIsJava() {
        String code = "int r = 7\n% 3;\n  %river engines";
        assertEquals(List.of(new MagicSyntax.Code(code, 0)), MagicSyntax.parse(code));
    }

    @Test
    void blankCodeBetweenMagicsIsDropped() {
        assertEquals(List.of(new MagicSyntax.LineMagic("river", "stop", 0), new MagicSyntax.LineMagic("river", "engines", 2)),
                MagicSyntax.parse("%river stop\n   \n%river engines\n"));
    }

    @Test
    void splitKeepsJavaExpressionsWhole() {
        assertEquals(List.of("forkwork", "count", "List.of(\"a b\", 2)", "--chunksize", "10"),
                MagicSyntax.split("forkwork count List.of(\"a b\", 2) --chunksize 10"));
        assertEquals(List.of("\"abc\".length()", "x -> x.size()"), MagicSyntax.split("\"abc\".length() 'x -> x.size()'"));
        assertEquals(List.of("m.get('a')", "int[]{1, 2}"), MagicSyntax.split("m.get('a') int[]{1, 2}"));
        // blanks outside brackets separate arguments: quote such an expression
        assertEquals(List.of("new", "int[]", "{1, 2}"), MagicSyntax.split("new int[] {1, 2}"));
        assertEquals(List.of("new int[] {1, 2}"), MagicSyntax.split("\"new int[] {1, 2}\""));
    }

    @Test
    void quotedWordsLoseTheirQuotes() {
        assertEquals(List.of("a b", "c\"d", "e"), MagicSyntax.split("\"a b\" \"c\\\"d\" 'e'"));
    }

    @Test
    void unclosedQuotesAndBracketsAreUsageErrors() {
        MagicException q = assertThrows(MagicException.class, () -> MagicSyntax.split("forkwork f \"abc"));
        assertTrue(q.getMessage().contains("unclosed quote"), q.getMessage());
        MagicException b = assertThrows(MagicException.class, () -> MagicSyntax.split("forkwork f List.of(1, 2"));
        assertTrue(b.getMessage().contains("unclosed bracket"), b.getMessage());
    }
}
