package org.jremoted.transport;

/**
 * A frame that cannot be accepted: a header the connection cannot be resynchronised after, or a
 * payload that cannot be turned back into XML text. The message says what was wrong, for the log.
 */
public final class MalformedFrameException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedFrameException(String message) {
        super(message);
    }

    public MalformedFrameException(String message, Throwable cause) {
        super(message, cause);
    }
}
