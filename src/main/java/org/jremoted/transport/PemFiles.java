package org.jremoted.transport;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads the PEM files GnuTLS accepts for Pacemaker's X.509 mode. The JDK has no PEM reader, and
 * {@code certtool} and {@code openssl genrsa} write PKCS#1 ("RSA PRIVATE KEY") or SEC1 ("EC PRIVATE
 * KEY") keys that only Bouncy Castle's parser understands; the results are converted to JDK
 * objects so the JDK's TLS engine uses them with its own providers.
 */
public final class PemFiles {
    private PemFiles() {
    }

    /** Every certificate in the file, in file order (a chain: own certificate first). */
    public static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> out = new ArrayList<>();
        for (Object o : objects(file)) {
            if (o instanceof X509CertificateHolder holder) {
                out.add(converted(file, () -> converter.getCertificate(holder)));
            }
        }
        if (out.isEmpty()) {
            throw new GeneralSecurityException("no PEM certificate in " + file);
        }
        return out;
    }

    /** Every revocation list in the file. */
    public static List<X509CRL> revocationLists(Path file) throws IOException, GeneralSecurityException {
        JcaX509CRLConverter converter = new JcaX509CRLConverter();
        List<X509CRL> out = new ArrayList<>();
        for (Object o : objects(file)) {
            if (o instanceof X509CRLHolder holder) {
                out.add(converted(file, () -> converter.getCRL(holder)));
            }
        }
        if (out.isEmpty()) {
            throw new GeneralSecurityException("no PEM revocation list (X509 CRL) in " + file);
        }
        return out;
    }

    /** The first private key in the file; encrypted keys are refused, as GnuTLS is given no password. */
    public static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object o : objects(file)) {
            if (o instanceof PEMKeyPair pair) {
                return converted(file, () -> converter.getPrivateKey(pair.getPrivateKeyInfo()));
            }
            if (o instanceof PrivateKeyInfo info) {
                return converted(file, () -> converter.getPrivateKey(info));
            }
            if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new GeneralSecurityException("private key in " + file
                        + " is encrypted; Pacemaker Remote needs an unencrypted key");
            }
        }
        throw new GeneralSecurityException("no PEM private key in " + file);
    }

    /** One conversion that may fail. */
    private interface Conversion<T> {
        T get() throws IOException, GeneralSecurityException;
    }

    /**
     * BC parses the inside of a structure lazily, while converting it: malformed ASN.1 there
     * surfaces as an unchecked exception, which must become a clear error naming the file
     * (found by PemFilesFuzzTest).
     */
    private static <T> T converted(Path file, Conversion<T> conversion) throws IOException, GeneralSecurityException {
        try {
            return conversion.get();
        } catch (RuntimeException e) {
            throw new GeneralSecurityException("malformed object in PEM file " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<Object> objects(Path file) throws IOException {
        List<Object> out = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                out.add(o);
            }
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            // BC reports malformed base64/DER as unchecked exceptions.
            throw new IOException("cannot parse PEM file " + file + ": " + e.getMessage(), e);
        }
        return out;
    }
}
