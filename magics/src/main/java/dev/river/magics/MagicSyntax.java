package dev.river.magics;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How magics appear in a cell. A cell whose first line is {@code %%NAME ARGS} is a cell magic: the rest
 * of the cell is its body. Otherwise every line that starts (in column 0) with {@code %NAME} is a line
 * magic and the lines between them are code, run in order.
 *
 * <pre>{@code
 * List<MagicSyntax.Part> parts = MagicSyntax.parse("%river start 2\nint x = 1;\nx + 1");
 * // [LineMagic[name=river, args=start 2, line=0], Code[source=int x = 1;\nx + 1, firstLine=1]]
 * MagicSyntax.split("forkwork count List.of(\"a b\", 2) --chunksize 10");
 * // [forkwork, count, List.of("a b", 2), --chunksize, 10]
 * }</pre>
 */
public final class MagicSyntax {
    private static final Pattern CELL_MAGIC = Pattern.compile("%%([A-Za-z][\\w-]*)(?:[ \\t]+(.*))?");
    private static final Pattern LINE_MAGIC = Pattern.compile("%([A-Za-z][\\w-]*)(?:[ \\t]+(.*))?");

    private MagicSyntax() {}

    /** A piece of a cell. */
    public sealed interface Part permits Code, LineMagic, CellMagic {}

    /** Code lines; {@code firstLine} is the 0-based line of the cell where they start. */
    public record Code(String source, int firstLine) implements Part {}

    /** {@code %name args} on line {@code line} (0-based). */
    public record LineMagic(String name, String args, int line) implements Part {}

    /** {@code %%name args} on the first line, and the rest of the cell (starting at line 1). */
    public record CellMagic(String name, String args, String body) implements Part {}

    /** Splits a cell into code and magics, in order. Blank code between magics is dropped. */
    public static List<Part> parse(String cell) {
        String[] lines = cell.split("\r?\n", -1);
        Matcher cm = CELL_MAGIC.matcher(lines[0].stripTrailing());
        if (cm.matches()) {
            int nl = cell.indexOf('\n');
            String body = nl < 0 ? "" : cell.substring(nl + 1);
            return List.of(new CellMagic(cm.group(1), nullToEmpty(cm.group(2)).strip(), body));
        }
        List<Part> parts = new ArrayList<>();
        StringBuilder code = new StringBuilder();
        int codeStart = 0;
        for (int i = 0; i < lines.length; i++) {
            Matcher lm = LINE_MAGIC.matcher(lines[i].stripTrailing());
            if (lm.matches()) {
                addCode(parts, code, codeStart);
                parts.add(new LineMagic(lm.group(1), nullToEmpty(lm.group(2)).strip(), i));
                code.setLength(0);
                codeStart = i + 1;
            } else {
                if (code.length() > 0 || i > codeStart) code.append('\n');
                code.append(lines[i]);
            }
        }
        addCode(parts, code, codeStart);
        return parts;
    }

    private static void addCode(List<Part> parts, StringBuilder code, int start) {
        if (!code.toString().isBlank()) parts.add(new Code(code.toString(), start));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /**
     * Splits magic arguments at blanks. An argument in quotes ({@code "a b"} or {@code 'a b'}, followed
     * by a blank or the end) is one argument, without the quotes. Anything else is read as Java: quotes
     * and the blanks inside brackets ({@code () [] {}}) are kept, so {@code List.of("a b", 2)} and
     * {@code "abc".length()} each stay one argument, as written.
     *
     * @throws MagicException for an unclosed quote or bracket
     */
    public static List<String> split(String args) {
        List<String> out = new ArrayList<>();
        int n = args.length();
        int i = 0;
        while (true) {
            while (i < n && Character.isWhitespace(args.charAt(i))) i++;
            if (i >= n) return out;
            char c = args.charAt(i);
            if (c == '"' || c == '\'') {
                int close = closingQuote(args, i);
                if (close + 1 == n || Character.isWhitespace(args.charAt(close + 1))) {
                    out.add(unescape(args.substring(i + 1, close)));
                    i = close + 1;
                    continue;
                }
            }
            StringBuilder cur = new StringBuilder();
            int depth = 0;
            while (i < n) {
                c = args.charAt(i);
                if (c == '"' || c == '\'') {
                    int close = closingQuote(args, i);
                    cur.append(args, i, close + 1);
                    i = close + 1;
                    continue;
                }
                if (Character.isWhitespace(c) && depth == 0) break;
                if (c == '(' || c == '[' || c == '{') depth++;
                if ((c == ')' || c == ']' || c == '}') && depth > 0) depth--;
                cur.append(c);
                i++;
            }
            if (depth != 0) throw new MagicException("unclosed bracket in: " + args);
            out.add(cur.toString());
        }
    }

    private static int closingQuote(String s, int open) {
        char q = s.charAt(open);
        for (int j = open + 1; j < s.length(); j++) {
            char c = s.charAt(j);
            if (c == '\\') j++;
            else if (c == q) return j;
        }
        throw new MagicException("unclosed quote " + q + " in: " + s);
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int j = 0; j < s.length(); j++) {
            char c = s.charAt(j);
            if (c == '\\' && j + 1 < s.length()) c = s.charAt(++j);
            b.append(c);
        }
        return b.toString();
    }
}
