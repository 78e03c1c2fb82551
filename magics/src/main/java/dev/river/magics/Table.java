package dev.river.magics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table shown as HTML in a notebook, with an aligned plain-text version for consoles.
 *
 * <pre>{@code
 * Rich r = new Table("engine", "cores").row("local-1", 4).row("local-2", 4).caption("2 engines").toRich();
 * }</pre>
 */
public final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private String caption;

    public Table(String... header) {
        this.header = List.of(header);
    }

    /** Adds a row; values are shown with {@code String.valueOf}. */
    public Table row(Object... values) {
        if (values.length != header.size()) {
            throw new IllegalArgumentException("row has " + values.length + " values for " + header.size() + " columns");
        }
        rows.add(Arrays.stream(values).map(String::valueOf).toList());
        return this;
    }

    /** A line shown under the table. */
    public Table caption(String text) {
        this.caption = text;
        return this;
    }

    public int size() {
        return rows.size();
    }

    public String text() {
        int[] w = new int[header.size()];
        for (int c = 0; c < w.length; c++) {
            w[c] = header.get(c).length();
            for (List<String> r : rows) w[c] = Math.max(w[c], r.get(c).length());
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, w);
        for (List<String> r : rows) line(sb, r, w);
        if (caption != null) sb.append(caption).append('\n');
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] w) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            if (c > 0) l.append("  ");
            l.append(cells.get(c)).append(" ".repeat(w[c] - cells.get(c).length()));
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }

    public String html() {
        StringBuilder sb = new StringBuilder("<table class=\"river-table\"><thead><tr>");
        for (String h : header) sb.append("<th style=\"text-align:left\">").append(escape(h)).append("</th>");
        sb.append("</tr></thead><tbody>");
        for (List<String> r : rows) {
            sb.append("<tr>");
            for (String v : r) sb.append("<td style=\"text-align:left\">").append(escape(v)).append("</td>");
            sb.append("</tr>");
        }
        sb.append("</tbody></table>");
        if (caption != null) sb.append("<p>").append(escape(caption)).append("</p>");
        return sb.toString();
    }

    public Rich toRich() {
        return Rich.of(text(), html());
    }

    /** Escapes text for HTML. */
    public static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
