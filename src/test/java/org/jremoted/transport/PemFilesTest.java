package org.jremoted.transport;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {

    /** Found by PemFilesFuzzTest: a CA-signed CRL with one length byte changed inside. */
    private static final String CRL_WITH_MALFORMED_INNER_ASN1 = """
            -----BEGIN X509 CRL-----
            MIGkMEwCAQEwCgYIKoZIzj0EAwIwDTELMAkGC1UEAwwCY2EXDTI2MTIwMzEwMzU0
            OVoXDTI3MDEwMjEwMzU0OVqgDjAMMAoGA1UdFAQDAgEBMAoGCCqGSM98BAMCA0gA
            MEUCIBGLjUmFY4X7b3XXK19J8RTtQu+QfQGcTPPSs+fgHs74AiEArklbUwWqLDXo
            f+DKPxhWcGGavERJII0i00z4d9IYXgE=
            -----END X509 CRL-----
            """;

    @Test
    void aRevocationListMalformedInsideIsAClearErrorNamingTheFile(@TempDir Path dir) throws Exception {
        Path crl = dir.resolve("crl.pem");
        Files.writeString(crl, CRL_WITH_MALFORMED_INNER_ASN1);
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class, () -> PemFiles.revocationLists(crl));
        assertTrue(e.getMessage().contains(crl.toString()), e.getMessage());
    }
}
