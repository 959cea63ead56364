package org.jremoted.proxy;

import org.jremoted.protocol.Attributes;
import org.jremoted.protocol.Client;
import org.jremoted.protocol.Messages;
import org.jremoted.protocol.XmlNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proxy side for a daemon that publishes no local IPC endpoints yet: no session ever exists, so
 * every message names an unknown session and is answered with {@code destroy}, as the C daemon
 * answers unknown sessions (docs/proxy.md §4), letting the cluster drop its end.
 */
public final class NoSessionsProxyListener implements ProxyListener {
    private static final Logger log = LoggerFactory.getLogger(NoSessionsProxyListener.class);

    @Override
    public void forwarded(Client from, XmlNode message) {
        String session = message.attr(Attributes.IPC_SESSION);
        log.info("IPC proxy message {} for unknown session {} from {}", message.attr(Attributes.IPC_OP),
                session, from.name());
        if (session != null) {
            from.send(Messages.proxyDestroy(session));
        }
    }
}
