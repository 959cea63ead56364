package org.jremoted.transport;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The files of Pacemaker 3.0.1's X.509 mode (docs/protocol.md §2.2): the listener's own certificate and
 * unencrypted private key, the CA that must have signed every client certificate, and an optional
 * revocation list.
 *
 * @param certFile PEM certificate (chain) presented to clients
 * @param keyFile  PEM private key of that certificate, PKCS#1, SEC1 or PKCS#8, not encrypted
 * @param caFile   PEM CA certificate(s): the only trust anchors; system CAs are not used
 * @param crlFile  PEM revocation list(s) of that CA, or null
 */
public record X509Credentials(Path certFile, Path keyFile, Path caFile, Path crlFile) {
    public X509Credentials {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(caFile, "caFile");
    }
}
