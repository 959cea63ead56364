package org.jremoted.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TlsPskHandlerTest {
    private static final byte[] KEY = "0123456789abcdef-not-a-real-key\n".getBytes(StandardCharsets.US_ASCII);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<Integer> recordSizes = new CopyOnWriteArrayList<>();
    private final AtomicReference<byte[]> key = new AtomicReference<>(KEY);
    private final List<Object> events = new CopyOnWriteArrayList<>();
    private Channel server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 100, java.util.concurrent.TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    /** Echo server behind the TLS handler: each inbound chunk goes back as two writes. */
    private InetSocketAddress start(long handshakeTimeoutMs) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
                            @Override
                            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise p) {
                                ByteBuf b = (ByteBuf) msg;
                                // Application data records: content type 23; collect each record's length.
                                for (int i = b.readerIndex(); i + 5 <= b.writerIndex(); ) {
                                    int len = b.getUnsignedShort(i + 3);
                                    if (b.getByte(i) == 23) {
                                        recordSizes.add(len);
                                    }
                                    i += 5 + len;
                                }
                                ctx.write(msg, p);
                            }
                        });
                        ch.pipeline().addLast(new TlsPskHandler(new BcTlsCrypto(new SecureRandom()), key::get,
                                true, handshakeTimeoutMs));
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                events.add(evt);
                            }

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf in = (ByteBuf) msg;
                                ByteBuf first = in.readRetainedSlice(Math.min(4, in.readableBytes()));
                                ctx.write(first);
                                ctx.writeAndFlush(in);
                            }
                        });
                    }
                }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        return (InetSocketAddress) server.localAddress();
    }

    private static byte[] readN(InputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        int off = 0;
        while (off < n) {
            int r = in.read(b, off, n - off);
            if (r < 0) {
                throw new IOException("EOF after " + off);
            }
            off += r;
        }
        return b;
    }

    @Test
    void tls13ExternalPskHandshakeAndEcho() throws Exception {
        InetSocketAddress addr = start(10_000);
        try (PskTestClient c = new PskTestClient(addr, KEY, true)) {
            assertEquals(ProtocolVersion.TLSv13, c.version());
            byte[] msg = "hello, remote".getBytes(StandardCharsets.US_ASCII);
            c.write(msg);
            assertArrayEquals(msg, readN(c.in(), msg.length));
        }
        assertTrue(events.contains(TlsPskHandler.HANDSHAKE_COMPLETE));
    }

    @Test
    void tls12PskHandshakeAndEcho() throws Exception {
        InetSocketAddress addr = start(10_000);
        try (PskTestClient c = new PskTestClient(addr, KEY, false)) {
            assertEquals(ProtocolVersion.TLSv12, c.version());
            byte[] msg = "twelve".getBytes(StandardCharsets.US_ASCII);
            c.write(msg);
            assertArrayEquals(msg, readN(c.in(), msg.length));
        }
    }

    @Test
    void tls12HandshakeLeavesTheCachedKeyIntactForLaterHandshakes() throws Exception {
        InetSocketAddress addr = start(10_000);
        byte[] before = key.get().clone();
        for (boolean tls13 : new boolean[] {false, true, false, false, true}) {
            try (PskTestClient c = new PskTestClient(addr, KEY, tls13)) {
                c.write(new byte[] {7});
                assertEquals(1, readN(c.in(), 1).length);
            }
        }
        assertArrayEquals(before, key.get());
    }

    @Test
    void eachWriteBecomesItsOwnRecord() throws Exception {
        InetSocketAddress addr = start(10_000);
        try (PskTestClient c = new PskTestClient(addr, KEY, true)) {
            byte[] msg = new byte[100];
            c.write(msg);
            readN(c.in(), msg.length);
            // TLS 1.3 record = plaintext + 1 content-type byte + 16 tag bytes.
            assertTrue(recordSizes.contains(4 + 17), "first write in its own record: " + recordSizes);
            assertTrue(recordSizes.contains(96 + 17), "second write in its own record: " + recordSizes);
        }
    }

    @Test
    void wrongKeyFailsHandshakeBothVersions() throws Exception {
        InetSocketAddress addr = start(10_000);
        byte[] other = "some other key".getBytes(StandardCharsets.US_ASCII);
        assertThrows(IOException.class, () -> new PskTestClient(addr, other, true).close());
        assertThrows(IOException.class, () -> new PskTestClient(addr, other, false).close());
        // And the server still serves a good client.
        try (PskTestClient c = new PskTestClient(addr, KEY, true)) {
            c.write(new byte[] {1, 2, 3, 4, 5});
            assertEquals(5, readN(c.in(), 5).length);
        }
    }

    @Test
    void missingKeyFailsCleanlyUntilItAppears() throws Exception {
        InetSocketAddress addr = start(10_000);
        key.set(null);
        assertThrows(IOException.class, () -> new PskTestClient(addr, KEY, true).close());
        assertThrows(IOException.class, () -> new PskTestClient(addr, KEY, false).close());
        key.set(KEY);
        try (PskTestClient c = new PskTestClient(addr, KEY, true)) {
            assertEquals(ProtocolVersion.TLSv13, c.version());
        }
    }

    @Test
    void silentConnectionIsClosedAtHandshakeDeadline() throws Exception {
        InetSocketAddress addr = start(300);
        try (Socket s = new Socket()) {
            s.connect(addr, 2000);
            s.setSoTimeout(5000);
            long t0 = System.nanoTime();
            int r;
            try {
                byte[] buf = new byte[64];
                do {
                    r = s.getInputStream().read(buf);
                } while (r > 0);
            } catch (SocketException e) {
                r = -1;
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(-1, r);
            assertTrue(ms >= 250 && ms < 4000, "closed after " + ms + " ms");
        }
    }

    @Test
    void plainTextClientIsReset() throws Exception {
        InetSocketAddress addr = start(10_000);
        try (Socket s = new Socket()) {
            s.connect(addr, 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            SocketException e = assertThrows(SocketException.class, () -> {
                byte[] buf = new byte[64];
                while (s.getInputStream().read(buf) >= 0) {
                    // drain until the reset arrives
                }
                throw new SocketException("closed without reset");
            });
            assertTrue(e.getMessage().toLowerCase().contains("reset"), e.getMessage());
        }
    }
}
