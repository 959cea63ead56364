package org.jremoted.protocol;

/**
 * What the transport hands decoded traffic to. Every method is called on the single daemon loop
 * thread, so implementations keep their state unsynchronised.
 */
public interface Dispatcher {

    /** The client finished the TLS handshake (and so is authenticated). */
    void connected(Client client);

    /** One complete, well-formed message from the client. */
    void received(Client client, XmlNode message);

    /** The connection is gone; called once, also for clients that never finished connecting. */
    void disconnected(Client client);
}
