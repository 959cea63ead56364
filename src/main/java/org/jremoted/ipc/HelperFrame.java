package org.jremoted.ipc;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One frame on the private channel to {@code jremoted-ipc-helper} (src/main/c): {@code u32 body
 * length | u8 type | u32 connection id | payload}, host byte order. Type codes match the C
 * helper's enum.
 */
public record HelperFrame(int type, int connection, byte[] payload) {

    // helper -> daemon
    public static final int READY = 1;
    public static final int FATAL = 2;
    public static final int CONNECTED = 3;
    public static final int REFUSED = 4;
    public static final int REQUEST = 5;
    public static final int CLOSED = 6;
    // daemon -> helper
    public static final int PROVIDER = 10;
    public static final int RESPONSE = 11;
    public static final int EVENT = 12;
    public static final int DISCONNECT = 13;

    /** Same bound as the helper's: far beyond any IPC buffer, short of trusting garbage. */
    static final int MAX_BODY = 64 * 1024 * 1024;

    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(9 + payload.length).order(ORDER);
        b.putInt(5 + payload.length).put((byte) type).putInt(connection).put(payload);
        return b.array();
    }

    /** The next frame, or null at a clean end of stream. */
    public static HelperFrame read(InputStream in) throws IOException {
        DataInputStream data = in instanceof DataInputStream d ? d : new DataInputStream(in);
        byte[] len = new byte[4];
        int first = data.read(len, 0, 1);
        if (first < 0) {
            return null;
        }
        data.readFully(len, 1, 3);
        int body = ByteBuffer.wrap(len).order(ORDER).getInt();
        if (body < 5 || body > MAX_BODY) {
            throw new IOException("malformed helper frame: body length " + Integer.toUnsignedString(body));
        }
        byte[] rest = new byte[body];
        try {
            data.readFully(rest);
        } catch (EOFException e) {
            throw new IOException("helper frame cut short", e);
        }
        ByteBuffer b = ByteBuffer.wrap(rest).order(ORDER);
        int type = Byte.toUnsignedInt(b.get());
        int connection = b.getInt();
        byte[] payload = new byte[body - 5];
        b.get(payload);
        return new HelperFrame(type, connection, payload);
    }

    /** {@link #CONNECTED}: u8 endpoint, i32 pid, u32 uid, u32 gid, user name (rest, may be empty). */
    public LocalConnection connectedPayload() throws IOException {
        if (payload.length < 13) {
            throw new IOException("short CONNECTED frame");
        }
        ByteBuffer b = ByteBuffer.wrap(payload).order(ORDER);
        LocalEndpoint endpoint = endpoint(b.get());
        int pid = b.getInt();
        int uid = b.getInt();
        int gid = b.getInt();
        String user = new String(payload, 13, payload.length - 13, StandardCharsets.UTF_8);
        return new LocalConnection(connection, endpoint, pid, uid, gid, user.isEmpty() ? null : user);
    }

    /** {@link #REFUSED}: u8 endpoint, u32 uid, u32 gid. */
    public record Refusal(LocalEndpoint endpoint, int uid, int gid) {
    }

    public Refusal refusedPayload() throws IOException {
        if (payload.length < 9) {
            throw new IOException("short REFUSED frame");
        }
        ByteBuffer b = ByteBuffer.wrap(payload).order(ORDER);
        return new Refusal(endpoint(b.get()), b.getInt(), b.getInt());
    }

    private static LocalEndpoint endpoint(byte code) throws IOException {
        try {
            return LocalEndpoint.ofCode(Byte.toUnsignedInt(code));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
