package org.jremoted.transport;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Makes small CAs and certificates for the X.509 tests, written as the PEM files GnuTLS reads. */
final class X509TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A key pair with its certificate. */
    record Issued(KeyPair keys, X509Certificate certificate) {
        PrivateKey key() {
            return keys.getPrivate();
        }
    }

    private X509TestPki() {
    }

    static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    static KeyPair ec() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    static Issued ca(String name) throws GeneralSecurityException {
        KeyPair keys = rsa();
        return new Issued(keys, sign(name, keys, name, keys.getPrivate(), true, Duration.ofDays(365)));
    }

    static Issued leaf(String name, Issued ca, Duration validity) throws GeneralSecurityException {
        return leaf(name, rsa(), ca, validity);
    }

    static Issued leaf(String name, KeyPair keys, Issued ca, Duration validity) throws GeneralSecurityException {
        return new Issued(keys, sign(name, keys, subjectOf(ca), ca.key(), false, validity));
    }

    static X509CRL crl(Issued ca, X509Certificate... revoked) throws GeneralSecurityException {
        Date now = new Date();
        X509v2CRLBuilder b = new X509v2CRLBuilder(new X500Name(subjectOf(ca)), now);
        b.setNextUpdate(Date.from(Instant.now().plus(Duration.ofDays(7))));
        for (X509Certificate c : revoked) {
            b.addCRLEntry(c.getSerialNumber(), now, CRLReason.keyCompromise);
        }
        try {
            return new JcaX509CRLConverter().getCRL(b.build(signer(ca.key())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /** PEM certificate(s), in order. */
    static Path writeCertificates(Path file, X509Certificate... certs) throws IOException {
        return writePem(file, (Object[]) certs);
    }

    /** The private key in the form OpenSSL's and certtool's defaults use (PKCS#1 / SEC1). */
    static Path writeTraditionalKey(Path file, PrivateKey key) throws IOException {
        return writePem(file, key);
    }

    /** The private key as unencrypted PKCS#8 ("BEGIN PRIVATE KEY"). */
    static Path writePkcs8Key(Path file, PrivateKey key) throws IOException {
        return writePem(file, new JcaPKCS8Generator(key, null));
    }

    static Path writeCrl(Path file, X509CRL crl) throws IOException {
        return writePem(file, crl);
    }

    private static Path writePem(Path file, Object... objects) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
             JcaPEMWriter pem = new JcaPEMWriter(w)) {
            for (Object o : objects) {
                pem.writeObject(o);
            }
        }
        return file;
    }

    private static String subjectOf(Issued ca) {
        return ca.certificate().getSubjectX500Principal().getName();
    }

    private static X509Certificate sign(String subject, KeyPair keys, String issuer, PrivateKey issuerKey,
                                        boolean isCa, Duration validity) throws GeneralSecurityException {
        Instant now = Instant.now();
        try {
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(validity)), new X500Name(subject), keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            b.addExtension(Extension.keyUsage, true, isCa
                    ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
                    : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            return new JcaX509CertificateConverter().getCertificate(b.build(signer(issuerKey)));
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static org.bouncycastle.operator.ContentSigner signer(PrivateKey key) throws OperatorCreationException {
        return new JcaContentSignerBuilder(key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA")
                .build(key);
    }
}
