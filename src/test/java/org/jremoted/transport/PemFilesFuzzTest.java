package org.jremoted.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.jremoted.fuzzing.FuzzLogs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzz target for the PEM reader of the X.509 mode (docs/fuzzing.md): whatever the certificate,
 * CA, CRL or key file holds, reading it gives the objects or a clear error, and what it gives
 * survives being written out as PEM and read again. Seeds: certificates, chains, CRLs and keys
 * (PKCS#1, SEC1, PKCS#8, encrypted) as certtool and openssl write them.
 */
class PemFilesFuzzTest {
    private static Path file;

    @BeforeAll
    static void setUp() throws IOException {
        FuzzLogs.silence();
        file = Files.createTempFile("pem-fuzz", ".pem");
        file.toFile().deleteOnExit();
    }

    @AfterAll
    static void tearDown() throws IOException {
        FuzzLogs.restore();
        Files.deleteIfExists(file);
    }

    @FuzzTest
    void aPemFileGivesItsObjectsOrAClearError(byte[] contents) throws Exception {
        Files.write(file, contents);

        try {
            List<X509Certificate> certificates = PemFiles.certificates(file);
            assertFalse(certificates.isEmpty());
            StringBuilder pem = new StringBuilder();
            for (X509Certificate c : certificates) {
                pem.append(pem("CERTIFICATE", c.getEncoded()));
            }
            List<X509Certificate> again = PemFiles.certificates(write(pem));
            assertEquals(certificates, again);
        } catch (IOException | GeneralSecurityException refused) {
            // a clear error
        }

        Files.write(file, contents);
        try {
            List<X509CRL> lists = PemFiles.revocationLists(file);
            assertFalse(lists.isEmpty());
            StringBuilder pem = new StringBuilder();
            for (X509CRL l : lists) {
                pem.append(pem("X509 CRL", l.getEncoded()));
            }
            assertEquals(lists, PemFiles.revocationLists(write(pem)));
        } catch (IOException | GeneralSecurityException refused) {
            // a clear error
        }

        Files.write(file, contents);
        try {
            PrivateKey key = PemFiles.privateKey(file);
            assertNotNull(key.getAlgorithm());
            byte[] pkcs8 = key.getEncoded();
            assertNotNull(pkcs8, "a key the TLS engine cannot encode");
            assertArrayEquals(pkcs8, PemFiles.privateKey(write(new StringBuilder(pem("PRIVATE KEY", pkcs8))))
                    .getEncoded());
        } catch (IOException | GeneralSecurityException refused) {
            // a clear error
        }
    }

    private static Path write(StringBuilder pem) throws IOException {
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
        return file;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
