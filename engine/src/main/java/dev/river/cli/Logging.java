package dev.river.cli;

import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Routes River's System.Logger output (java.util.logging underneath) to stderr at the chosen level; quiet by default. */
final class Logging {
    private Logging() {}

    static void configure(String level) {
        Level l = switch (level.toLowerCase(Locale.ROOT)) {
            case "error", "severe" -> Level.SEVERE;
            case "warn", "warning" -> Level.WARNING;
            case "info" -> Level.INFO;
            case "debug", "fine" -> Level.FINE;
            case "trace", "all" -> Level.ALL;
            case "off" -> Level.OFF;
            default -> throw new IllegalArgumentException("unknown log level '" + level + "' (error, warning, info, debug, trace, off)");
        };
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %3$s: %5$s%6$s%n");
        Logger root = Logger.getLogger("");
        for (var h : root.getHandlers()) root.removeHandler(h);
        ConsoleHandler h = new ConsoleHandler();
        h.setFormatter(new SimpleFormatter());
        h.setLevel(l);
        root.addHandler(h);
        root.setLevel(Level.WARNING);
        Logger.getLogger("dev.river").setLevel(l);
    }
}
