package dev.river.magics;

import java.util.Locale;

/** A small SVG writer: the static pictures that go with the Vega-Lite ones (nbconvert, GitHub, consoles). */
final class Svg {
    private final StringBuilder b = new StringBuilder();
    private final int width;
    private final int height;

    Svg(int width, int height) {
        this.width = width;
        this.height = height;
    }

    Svg rect(double x, double y, double w, double h, String fill, String title) {
        b.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"").append(n(Math.max(w, 0.5)))
                .append("\" height=\"").append(n(h)).append("\" fill=\"").append(fill).append('"');
        if (title == null) {
            b.append("/>");
        } else {
            b.append("><title>").append(Table.escape(title)).append("</title></rect>");
        }
        b.append('\n');
        return this;
    }

    Svg line(double x1, double y1, double x2, double y2, String stroke) {
        b.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"").append(n(x2))
                .append("\" y2=\"").append(n(y2)).append("\" stroke=\"").append(stroke).append("\"/>\n");
        return this;
    }

    /** Text; {@code anchor} is start, middle or end. */
    Svg text(double x, double y, String text, String anchor, int size) {
        b.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" text-anchor=\"").append(anchor)
                .append("\" font-size=\"").append(size).append("\">").append(Table.escape(text)).append("</text>\n");
        return this;
    }

    @Override
    public String toString() {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"" + height + "\" viewBox=\"0 0 "
                + width + " " + height + "\" font-family=\"sans-serif\">\n"
                + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" + b + "</svg>\n";
    }

    /** Round tick steps (1, 2, 5 times a power of ten) giving about {@code ticks} ticks up to {@code max}. */
    static double step(double max, int ticks) {
        if (max <= 0) return 1;
        double raw = max / ticks;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
    }

    static String n(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
