package org.jremoted.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.jremoted.protocol.Dispatcher;
import org.jremoted.protocol.XmlLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP listener for cluster nodes: exactly one listening socket (dual-stack IPv6 preferred,
 * IPv4 as fallback, as the C daemon chooses), TLS-PSK or, when certificates are configured,
 * X.509 TLS (never both), framing and XML decoding in front of the dispatcher.
 */
public final class RemoteServer {
    private static final Logger log = LoggerFactory.getLogger(RemoteServer.class);

    /** Thrown when the listener cannot be created; the daemon exits 100 on it. */
    public static final class ListenerException extends Exception {
        private static final long serialVersionUID = 1L;

        ListenerException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final QuickAckHandler QUICK_ACK = new QuickAckHandler();
    /** Accept queue length; the kernel caps it at net.core.somaxconn (4096 by default). */
    static final int LISTEN_BACKLOG = 1024;

    private final ListenerSettings settings;
    private final AuthKeyStore keys;
    private final Dispatcher dispatcher;
    private final EventLoopGroup loop;
    private final TlsCrypto crypto = new JcaTlsCryptoProvider().create(new SecureRandom());
    private X509TlsHandlerFactory x509;
    private Channel listener;
    private AdmissionHandler admission;
    private OutboundGuard outbound;
    private ServerPipeline codecs;

    public RemoteServer(ListenerSettings settings, AuthKeyStore keys, Dispatcher dispatcher,
                        EventLoopGroup loop) {
        this.settings = settings;
        this.keys = keys;
        this.dispatcher = dispatcher;
        this.loop = loop;
    }

    /** One event loop thread for I/O and all executor state, epoll where the native library loads. */
    public static EventLoopGroup newDaemonLoop(ThreadFactory threads) {
        IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(1, threads, io);
    }

    /** Bind and listen; returns the bound address. */
    public InetSocketAddress start() throws ListenerException {
        if (settings.x509() != null) {
            try {
                x509 = X509TlsHandlerFactory.load(settings.x509(), settings.allowTls13(),
                        settings.handshakeTimeoutMs());
            } catch (java.security.GeneralSecurityException e) {
                throw new ListenerException(e.getMessage(), e);
            }
            x509.warnIfExpiringSoon(java.time.Instant.now());
        }
        admission = new AdmissionHandler(settings.limits());
        outbound = new OutboundGuard(2L * settings.maxMessageBytes());
        codecs = new ServerPipeline(settings.maxMessageBytes(), MessageBudget.forMaxMessage(settings.maxMessageBytes()),
                XmlLimits.forMaxMessage(settings.maxMessageBytes()), settings.compressThresholdBytes());
        List<InetAddress> candidates = bindCandidates();
        Exception last = null;
        for (InetAddress address : candidates) {
            try {
                listener = bootstrap().bind(new InetSocketAddress(address, settings.port())).sync().channel();
                InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
                log.info("Started TLS listener on {} port {}", address.getHostAddress(), bound.getPort());
                return bound;
            } catch (Exception e) {
                log.debug("Cannot bind to {} port {}: {}", address.getHostAddress(), settings.port(),
                        e.toString());
                last = e;
            }
        }
        throw new ListenerException("cannot listen on "
                + (settings.address() == null ? "any address" : settings.address())
                + " port " + settings.port() + (last == null ? "" : ": " + last.getMessage()), last);
    }

    /** Stop accepting new connections; established ones stay up. */
    public void stopAccepting() {
        if (listener != null) {
            listener.close();
        }
    }

    private ServerBootstrap bootstrap() {
        boolean epoll = Epoll.isAvailable();
        Class<? extends ServerChannel> channelClass =
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap b = new ServerBootstrap()
                .group(loop)
                .channel(channelClass)
                .option(ChannelOption.SO_REUSEADDR, true)
                // Upstream listens with a backlog of 10. Under a connection flood the kernel then
                // drops SYNs, a real cluster node's included, and it retries only after 1 s; a deep
                // queue lets the admission caps decide instead (docs/hardening.md, "Connections").
                .option(ChannelOption.SO_BACKLOG, LISTEN_BACKLOG)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(OutboundGuard.LOW_WATER_MARK, OutboundGuard.HIGH_WATER_MARK))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // Before anything else: a connection over the caps gets no TLS state at all.
                        ch.pipeline().addLast("admission", admission);
                        if (epoll && settings.tcpUserTimeoutMs() > 0) {
                            ch.config().setOption(EpollChannelOption.TCP_USER_TIMEOUT,
                                    settings.tcpUserTimeoutMs());
                        }
                        if (epoll) {
                            ch.pipeline().addLast("quick-ack", QUICK_ACK);
                        }
                        if (x509 != null) {
                            ch.pipeline().addLast("tls", x509.newHandler(ch.alloc()));
                            ch.pipeline().addLast("tls-records", RecordPerWriteHandler.INSTANCE);
                            ch.pipeline().addLast("tls-session", new X509SessionHandler(x509));
                        } else {
                            ch.pipeline().addLast("tls", new TlsPskHandler(crypto, keys::key,
                                    settings.allowTls13(), settings.handshakeTimeoutMs()));
                        }
                        codecs.addCodecs(ch.pipeline(), new ConnectionHandler(dispatcher, admission, outbound));
                    }
                });
        return b;
    }

    private List<InetAddress> bindCandidates() throws ListenerException {
        List<InetAddress> all = new ArrayList<>();
        try {
            if (settings.address() == null || settings.address().isEmpty()) {
                all.add(InetAddress.getByName("::"));
                all.add(InetAddress.getByName("0.0.0.0"));
                return all;
            }
            InetAddress[] resolved = InetAddress.getAllByName(settings.address());
            for (InetAddress a : resolved) {
                if (a instanceof Inet6Address) {
                    all.add(a);
                }
            }
            for (InetAddress a : resolved) {
                if (a instanceof Inet4Address) {
                    all.add(a);
                }
            }
            return all;
        } catch (UnknownHostException e) {
            throw new ListenerException("cannot resolve PCMK_remote_address '" + settings.address() + "'", e);
        }
    }
}
