package org.jremoted.support;

/**
 * Arithmetic for time values that come from the wire (docs/hardening.md, "Time values"): a peer
 * can send {@code 9223372036854775807} as a timeout, and {@code now + timeout} must then mean
 * "never", not wrap around into the past. Pure functions.
 */
public final class Saturating {
    private Saturating() {
    }

    /** {@code a + b}, held at {@link Long#MAX_VALUE} / {@link Long#MIN_VALUE} instead of wrapping. */
    public static long add(long a, long b) {
        long r = a + b;
        // Overflow only if both have the same sign and the result's sign differs.
        if (((a ^ r) & (b ^ r)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }

    /**
     * A millisecond count from a request, as Pacemaker holds it: an {@code int}, so at most about
     * 24.8 days; negative values mean 0.
     */
    public static long wireMillis(long ms) {
        return Math.max(0, Math.min(Integer.MAX_VALUE, ms));
    }
}
