package org.jremoted.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jremoted.protocol.XmlCodec;
import org.jremoted.protocol.XmlNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaDownloadTest {
    @TempDir
    Path tmp;

    private SchemaDownload download() throws Exception {
        Path installed = Files.createDirectories(tmp.resolve("installed"));
        Files.writeString(installed.resolve("pacemaker-3.9.rng"), "x");
        Files.writeString(installed.resolve("pacemaker-3.10.rng"), "x");
        Files.writeString(installed.resolve("pacemaker-next.rng"), "x");
        return new SchemaDownload(tmp.resolve("schemas"), installed);
    }

    @Test
    void onlyProvidersWithProtocol12OrLaterStartADownload() {
        assertTrue(SchemaDownload.wanted(true, "1.2"));
        assertTrue(SchemaDownload.wanted(true, "2.0"));
        assertFalse(SchemaDownload.wanted(true, "1.1"));
        assertFalse(SchemaDownload.wanted(false, "1.2"));
        assertFalse(SchemaDownload.wanted(true, null));
    }

    @Test
    void requestsFilesNewerThanTheNewestInstalledSchemaOverTheCibRoChannel() throws Exception {
        SchemaDownload d = download();
        List<XmlNode> out = d.start(0);
        assertEquals(2, out.size());
        XmlNode open = out.get(0);
        assertEquals("new", open.attr("lrmd_ipc_op"));
        assertEquals("cib_ro", open.attr("lrmd_ipc_server"));
        String session = open.attr("lrmd_ipc_session");
        assertEquals(session, d.session());
        XmlNode request = out.get(1);
        assertEquals("request", request.attr("lrmd_ipc_op"));
        assertEquals(session, request.attr("lrmd_ipc_session"));
        assertEquals("768", request.attr("lrmd_ipc_msg_flags"));
        XmlNode command = request.child("lrmd_ipc_msg").orElseThrow().child("cib_command").orElseThrow();
        assertEquals("cib_schemas", command.attr("cib_op"));
        assertEquals("pacemaker-3.10", command.find("schema").orElseThrow().attr("version"));
        assertTrue(Files.isDirectory(tmp.resolve("schemas")));
    }

    @Test
    void writesEveryFileOfTheResponseAndEndsTheSession() throws Exception {
        SchemaDownload d = download();
        Files.createDirectories(tmp.resolve("schemas"));
        Files.writeString(tmp.resolve("schemas/stale.rng"), "from an earlier cluster");
        String session = d.start(0).get(0).attr("lrmd_ipc_session");
        assertFalse(Files.exists(tmp.resolve("schemas/stale.rng")), "the directory is emptied first");
        String reply = "<cib-reply t=\"cib\" cib_op=\"cib_schemas\"><cib_calldata><schemas>"
                + "<schema version=\"pacemaker-4.0\"><file path=\"pacemaker-4.0.rng\"><![CDATA[<grammar a=\"&amp;\"/>]]></file>"
                + "<file path=\"constraints-4.0.rng\"><![CDATA[<x/>]]></file></schema>"
                + "<schema version=\"pacemaker-4.1\"><file path=\"../../etc/evil\"><![CDATA[no]]></file>"
                + "<file path=\"nocdata.rng\">plain</file></schema>"
                + "</schemas></cib_calldata></cib-reply>";
        XmlNode end = d.response(XmlCodec.parse(reply.getBytes(StandardCharsets.UTF_8)));
        assertEquals("destroy", end.attr("lrmd_ipc_op"));
        assertEquals(session, end.attr("lrmd_ipc_session"));
        assertEquals(SchemaDownload.State.DONE, d.state());
        assertNull(d.session());
        assertEquals("<grammar a=\"&amp;\"/>", Files.readString(tmp.resolve("schemas/pacemaker-4.0.rng")));
        assertEquals("<x/>", Files.readString(tmp.resolve("schemas/constraints-4.0.rng")));
        assertFalse(Files.exists(tmp.resolve("etc/evil")));
        // Plain text is content as much as CDATA is.
        assertEquals("plain", Files.readString(tmp.resolve("schemas/nocdata.rng")));
        try (var files = Files.list(tmp.resolve("schemas"))) {
            assertEquals(3, files.count());
        }
    }

    @Test
    void failuresLeaveAnEmptyDirectory() throws Exception {
        SchemaDownload d = download();
        d.start(0);
        assertFalse(d.expireIfOverdue(SchemaDownload.TIME_LIMIT_MS * 1_000_000L - 1));
        assertTrue(d.expireIfOverdue(SchemaDownload.TIME_LIMIT_MS * 1_000_000L + 1));
        assertEquals(SchemaDownload.State.FAILED, d.state());

        d.start(0);
        // A file name that is a directory already cannot be written: the whole download fails.
        Files.createDirectories(tmp.resolve("schemas/taken.rng/inside"));
        d.response(XmlCodec.parse(("<cib-reply><file path=\"ok.rng\">a</file>"
                + "<file path=\"taken.rng\">b</file></cib-reply>").getBytes(StandardCharsets.UTF_8)));
        assertEquals(SchemaDownload.State.FAILED, d.state());
        try (var files = Files.list(tmp.resolve("schemas"))) {
            assertEquals(0, files.count());
        }

        d.start(0);
        d.destroyed();
        assertEquals(SchemaDownload.State.FAILED, d.state());
    }

    @Test
    void restartingAbandonsTheEarlierSession() throws Exception {
        SchemaDownload d = download();
        String first = d.start(0).get(0).attr("lrmd_ipc_session");
        List<XmlNode> again = d.start(1);
        assertEquals(3, again.size());
        assertEquals("destroy", again.get(0).attr("lrmd_ipc_op"));
        assertEquals(first, again.get(0).attr("lrmd_ipc_session"));
        assertFalse(first.equals(d.session()));
    }

    @Test
    void aDirectoryPathThatIsAFileFailsCleanly() throws Exception {
        Files.writeString(tmp.resolve("schemas"), "a file");
        SchemaDownload d = download();
        assertTrue(d.start(0).isEmpty());
        assertEquals(SchemaDownload.State.FAILED, d.state());
    }
}
