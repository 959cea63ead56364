package org.jremoted.transport;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies client certificates the way Pacemaker's GnuTLS server does: the chain must lead to one
 * of the configured CA certificates (never the system store) and, when a revocation list is
 * configured, no certificate of it may be listed there. There is deliberately no host-name or
 * key-purpose check: Pacemaker nodes often use one certificate as client and server, and GnuTLS
 * does not check purposes either. Extending {@link X509ExtendedTrustManager} keeps the JDK from
 * wrapping this with its own endpoint checks.
 */
final class CaOnlyTrustManager extends X509ExtendedTrustManager {
    private final List<X509Certificate> authorities;
    private final Set<TrustAnchor> anchors = new HashSet<>();
    private final List<X509CRL> revocationLists;

    CaOnlyTrustManager(List<X509Certificate> authorities, List<X509CRL> revocationLists) {
        this.authorities = List.copyOf(authorities);
        this.revocationLists = List.copyOf(revocationLists);
        for (X509Certificate ca : authorities) {
            anchors.add(new TrustAnchor(ca, null));
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this trust manager only verifies Pacemaker Remote clients");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return authorities.toArray(new X509Certificate[0]);
    }

    void verify(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the client sent no certificate");
        }
        // A client may append the CA itself; PKIX wants the path without its anchor.
        List<X509Certificate> path = new ArrayList<>(List.of(chain));
        while (path.size() > 1 && authorities.contains(path.get(path.size() - 1))) {
            path.remove(path.size() - 1);
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            CertPath certPath = factory.generateCertPath(path);
            PKIXParameters params = new PKIXParameters(anchors);
            if (revocationLists.isEmpty()) {
                params.setRevocationEnabled(false);
            } else {
                params.addCertStore(CertStore.getInstance("Collection",
                        new CollectionCertStoreParameters(revocationLists)));
                CertPathValidator validator = CertPathValidator.getInstance("PKIX");
                PKIXRevocationChecker checker = (PKIXRevocationChecker) validator.getRevocationChecker();
                // Only the configured lists count: no OCSP, no fetching, and a certificate whose
                // issuer has no list here is not revoked (GnuTLS's reading of a CRL file).
                checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS,
                        PKIXRevocationChecker.Option.NO_FALLBACK, PKIXRevocationChecker.Option.SOFT_FAIL));
                params.addCertPathChecker(checker);
                params.setRevocationEnabled(true);
                validator.validate(certPath, params);
                return;
            }
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
        } catch (GeneralSecurityException e) {
            throw new CertificateException("client certificate '"
                    + chain[0].getSubjectX500Principal().getName() + "' not accepted: " + e.getMessage(), e);
        }
    }
}
