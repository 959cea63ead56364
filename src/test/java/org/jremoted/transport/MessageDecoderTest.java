package org.jremoted.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.jremoted.protocol.XmlNode;

class MessageDecoderTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void wellFormedTextBecomesATree() {
        EmbeddedChannel ch = new EmbeddedChannel(new MessageDecoder());
        ch.writeInbound((Object) utf8("<lrmd_command lrmd_op=\"lrmd_rsc_poke\"/>"));
        XmlNode n = ch.readInbound();
        assertEquals("lrmd_rsc_poke", n.attr("lrmd_op"));
        ch.finishAndReleaseAll();
    }

    @Test
    void unparsableMessageIsDroppedAndTheConnectionKept() {
        org.jremoted.support.LogThrottle.resetAll();
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        Logger log = (Logger) LoggerFactory.getLogger(MessageDecoder.class);
        log.addAppender(logged);
        try {
            EmbeddedChannel ch = new EmbeddedChannel(new MessageDecoder());
            ch.writeInbound((Object) utf8("<lrmd_command lrmd_op=\"register\"\n\u0001 and more"));
            assertNull(ch.readInbound());
            assertTrue(ch.isOpen());
            ch.writeInbound((Object) utf8("<ok/>"));
            assertEquals("ok", ((XmlNode) ch.readInbound()).name());
            List<ILoggingEvent> warns = logged.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
            assertEquals(1, warns.size());
            String line = warns.get(0).getFormattedMessage();
            assertTrue(line.contains(String.valueOf(ch.remoteAddress())), line);
            assertTrue(line.contains("<lrmd_command lrmd_op=\"register\""), line);
            assertTrue(!line.contains("\n") && line.contains("\\x0A") && line.contains("\\x01"), line);
            ch.finishAndReleaseAll();
        } finally {
            log.detachAppender(logged);
        }
    }

    @Test
    void excerptIsShortenedAndSingleLine() {
        String e = MessageDecoder.excerpt(utf8("<a v=\"" + "x".repeat(10_000) + "\"/>\r\n"));
        assertTrue(e.length() <= 130, e);
        assertTrue(e.endsWith("..."), e);
        assertEquals("<a/>\\x0D\\x0A", MessageDecoder.excerpt(utf8("<a/>\r\n")));
    }
}
