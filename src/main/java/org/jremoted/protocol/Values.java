package org.jremoted.protocol;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How Pacemaker reads booleans and durations in options and messages. */
public final class Values {
    private static final Pattern DURATION = Pattern.compile("\\s*(-?\\d+)\\s*([a-zA-Z]*)\\s*");

    private Values() {
    }

    /** Pacemaker's "true": yes, true, on, y, 1 (any case). */
    public static boolean isTrue(String value) {
        if (value == null) {
            return false;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "y", "1":
                return true;
            default:
                return false;
        }
    }

    /**
     * A Pacemaker duration in milliseconds: a bare number is seconds; ms/msec, us/usec, s/sec,
     * m/min, h/hr suffixes (any case). Empty when the text is not a duration.
     */
    public static OptionalLong durationMs(String text) {
        if (text == null) {
            return OptionalLong.empty();
        }
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "s", "sec":
                return OptionalLong.of(n * 1000);
            case "ms", "msec":
                return OptionalLong.of(n);
            case "us", "usec":
                return OptionalLong.of(n / 1000);
            case "m", "min":
                return OptionalLong.of(n * 60_000);
            case "h", "hr":
                return OptionalLong.of(n * 3_600_000);
            default:
                return OptionalLong.empty();
        }
    }
}
