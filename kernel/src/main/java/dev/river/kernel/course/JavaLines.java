package dev.river.kernel.course;

import java.util.ArrayList;
import java.util.List;

/**
 * A small Java lexer for cell text: for each line, whether it starts in plain code (not inside a block
 * comment or a text block), and the brace depth at which it starts, counting only braces that are code
 * (not in strings, chars, text blocks or comments). That is what marker recognition and the
 * "must this region return?" decision need; it is not a parser.
 */
final class JavaLines {
    final List<String> lines;
    final boolean[] startsInCode;   // the line starts outside any block comment and text block
    final int[] depth;              // code-brace depth at the start of the line
    final String code;              // the text with comments and literals blanked (same length)

    JavaLines(String text) {
        lines = splitLines(text);
        startsInCode = new boolean[lines.size()];
        depth = new int[lines.size()];
        StringBuilder blank = new StringBuilder(text.length());
        enum S { CODE, LINE_COMMENT, BLOCK_COMMENT, STRING, CHAR, TEXT_BLOCK }
        S s = S.CODE;
        int d = 0;
        int line = 0;
        startsInCode[0] = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
            if (c == '\n') {
                if (s == S.LINE_COMMENT) s = S.CODE;
                blank.append('\n');
                line++;
                if (line < lines.size()) {
                    startsInCode[line] = s == S.CODE || s == S.STRING || s == S.CHAR;
                    depth[line] = d;
                }
                continue;
            }
            switch (s) {
                case CODE -> {
                    if (c == '/' && next == '/') { s = S.LINE_COMMENT; blank.append(' '); }
                    else if (c == '/' && next == '*') { s = S.BLOCK_COMMENT; blank.append("  "); i++; }
                    else if (c == '"' && text.startsWith("\"\"\"", i)) { s = S.TEXT_BLOCK; blank.append("\"\"\""); i += 2; }
                    else if (c == '"') { s = S.STRING; blank.append('"'); }
                    else if (c == '\'') { s = S.CHAR; blank.append('\''); }
                    else {
                        if (c == '{') d++;
                        if (c == '}') d--;
                        blank.append(c);
                    }
                }
                case LINE_COMMENT -> blank.append(' ');
                case BLOCK_COMMENT -> {
                    if (c == '*' && next == '/') { s = S.CODE; blank.append("  "); i++; }
                    else blank.append(' ');
                }
                case STRING, CHAR -> {
                    if (c == '\\' && next != 0 && next != '\n') { blank.append("  "); i++; }
                    else if ((s == S.STRING && c == '"') || (s == S.CHAR && c == '\'')) { s = S.CODE; blank.append(c); }
                    else blank.append(' ');
                }
                case TEXT_BLOCK -> {
                    if (c == '\\' && next != 0 && next != '\n') { blank.append("  "); i++; }
                    else if (text.startsWith("\"\"\"", i)) { s = S.CODE; blank.append("\"\"\""); i += 2; }
                    else blank.append(' ');
                }
            }
        }
        code = blank.toString();
    }

    /** True when line {@code i} is exactly {@code marker} (surrounding blanks allowed) and is code, not text. */
    boolean isMarker(int i, String marker) {
        if (!startsInCode[i]) return false;
        String line = lines.get(i).strip();
        if (line.equals(marker)) return true;
        // nbgrader's spelling: "### BEGIN SOLUTION", in Java usually behind a comment: "// ### BEGIN SOLUTION"
        String words = marker.startsWith("// ") ? marker.substring(3) : marker;
        return line.equals("### " + words) || line.equals("// ### " + words);
    }

    /** The offset in the text where line {@code i} starts. */
    int offset(int i) {
        int o = 0;
        for (int k = 0; k < i; k++) o += lines.get(k).length() + 1;
        return o;
    }

    static List<String> splitLines(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                out.add(text.substring(start, i));
                start = i + 1;
            }
        }
        out.add(text.substring(start));
        return out;
    }
}
