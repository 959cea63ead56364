package org.jremoted.protocol;

/** The negative Linux errno values carried in {@code lrmd_rc} of replies. */
public final class LegacyRc {
    public static final int OK = 0;
    public static final int EACCES = -13;
    public static final int ENODEV = -19;
    public static final int EINVAL = -22;
    public static final int EPROTO = -71;
    public static final int EOPNOTSUPP = -95;
    public static final int EINPROGRESS = -115;

    private LegacyRc() {
    }
}
