package org.jremoted.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jremoted.transport.X509Credentials;

/**
 * Whether the listener runs in X.509 mode instead of TLS-PSK, read from the same environment
 * {@link Config} is read from. Pacemaker 3.0.1 switches to certificates only when the certificate,
 * the CA and the key are all named; each name is looked up as {@code PCMK_<name>}, then
 * {@code HA_<name>}, then the older {@code CIB_<name>} the CIB remote clients already used.
 *
 * @param credentials the files when X.509 mode is on, else null
 * @param warnings    configuration problems worth an operator's attention, logged at start-up
 */
public record X509Settings(X509Credentials credentials, List<String> warnings) {

    public X509Settings {
        warnings = List.copyOf(warnings);
    }

    /** True when the listener must use certificates, and never PSK. */
    public boolean enabled() {
        return credentials != null;
    }

    public static X509Settings fromEnvironment(Map<String, String> env) {
        String cert = lookup(env, "cert_file");
        String ca = lookup(env, "ca_file");
        String key = lookup(env, "key_file");
        String crl = lookup(env, "crl_file");
        List<String> warnings = new ArrayList<>();
        if (cert != null && ca != null && key != null) {
            return new X509Settings(new X509Credentials(Path.of(cert), Path.of(key), Path.of(ca),
                    crl == null ? null : Path.of(crl)), warnings);
        }
        if (cert != null || ca != null || key != null || crl != null) {
            // Upstream silently stays in PSK mode here; a half-done certificate set-up is almost
            // always a mistake, and the cluster side will then fail its handshakes.
            warnings.add("X.509 mode needs PCMK_cert_file, PCMK_ca_file and PCMK_key_file all set"
                    + " (missing:" + (cert == null ? " PCMK_cert_file" : "") + (ca == null ? " PCMK_ca_file" : "")
                    + (key == null ? " PCMK_key_file" : "") + "); using TLS-PSK");
        }
        return new X509Settings(null, warnings);
    }

    private static String lookup(Map<String, String> env, String name) {
        for (String prefix : new String[] {"PCMK_", "HA_", "CIB_"}) {
            String v = env.get(prefix + name);
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }
}
