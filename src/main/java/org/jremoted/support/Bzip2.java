package org.jremoted.support;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/**
 * bzip2 for the codecs that carry compressed messages (the remote protocol and libqb IPC). The only
 * class that names commons-compress: the codecs see plain streams and arrays, so the JVM loads
 * (and verifies against) commons-compress only once a compressed message arrives or leaves, not
 * for every daemon that never sees one (docs/benchmarks.md, "Loading only what is used").
 * Stateless; any thread.
 */
public final class Bzip2 {

    private Bzip2() {
    }

    /** {@code data} as one bzip2 stream (block size 900k, as BZ2_bzBuffToBuffCompress is called). */
    public static byte[] compress(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4 + 64);
        try (BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(out)) {
            bz.write(data);
        } catch (IOException e) {
            throw new IllegalStateException("bzip2 compression into memory failed", e);
        }
        return out.toByteArray();
    }

    /**
     * A stream inflating the single bzip2 stream in {@code raw[from, from + length)}; anything after
     * its end is not read.
     *
     * @throws IOException when the bytes do not start a bzip2 stream
     */
    public static InputStream inflating(byte[] raw, int from, int length) throws IOException {
        return new BZip2CompressorInputStream(new ByteArrayInputStream(raw, from, length), false);
    }
}
